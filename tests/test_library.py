"""The model library: the default always first, whole models only, names that are safe files."""

from __future__ import annotations

import shutil

import pytest

from core.base.errors import BadRequest
from core.personal import library


def trained_run(tiny_model, name: str):
    out = library.start_run(name)
    shutil.copy(tiny_model, out)
    return out


def test_a_finished_run_is_installed_under_its_name_and_listed_after_the_default(tiny_model):
    path = library.install(trained_run(tiny_model, "round faces"), "round faces")
    models = library.list_models()
    assert [m.name for m in models] == ["default", "round faces"]
    assert models[0].builtin and models[1].path == path
    assert not (path.parent / ".training" / "round faces").exists(), "the run folder is removed"


def test_a_taken_name_gets_a_number(tiny_model):
    library.install(trained_run(tiny_model, "mine"), "mine")
    assert library.free_name("mine") == "mine 2"


@pytest.mark.parametrize("bad", ["", "   ", "default", "../escape", ".hidden", "x" * 61, "a/b"])
def test_unsafe_or_reserved_names_are_refused(bad):
    with pytest.raises(BadRequest):
        library.clean_name(bad)


def test_rename_and_delete_keep_the_library_consistent(tiny_model):
    library.install(trained_run(tiny_model, "first"), "first")
    library.install(trained_run(tiny_model, "second"), "second")
    with pytest.raises(BadRequest, match="already"):
        library.rename("first", "second")
    library.rename("first", "third")
    library.delete("second")
    assert [m.name for m in library.list_models()] == ["default", "third"]
    for action in (lambda: library.delete("default"), lambda: library.rename("default", "x")):
        with pytest.raises(BadRequest, match="shipped default"):
            action()


def test_a_broken_run_is_never_installed_and_junk_files_are_not_listed(tiny_model, tmp_path):
    out = library.start_run("broken")
    out.write_bytes(b"half a model")
    with pytest.raises(Exception, match="not a readable model"):
        library.install(out, "broken")
    assert not library.model_path("broken").exists()
    (library.model_path("junk")).write_bytes(b"\x00" * 10)
    assert [m.name for m in library.list_models()] == ["default"]


def test_abandoned_runs_are_swept(tiny_model):
    trained_run(tiny_model, "killed mid-way")
    assert library.sweep_abandoned_runs(older_than_s=0) == 1
    assert library.free_name("killed mid-way") == "killed mid-way"


def test_a_runs_last_checkpoint_beside_a_model_is_not_listed_as_one(tiny_model):
    """`sketchbook train --out LIBRARY/x.safetensors` leaves x.last.safetensors beside x (a
    loadable model since checkpoints became model files); the menu lists x only."""
    from core.model.modelfile import load_model, save_model

    model, scale, data, info, _ = load_model(tiny_model)
    save_model(model, library.model_path("x"), scale, data, info)
    save_model(model, library.model_path("x.last"), scale, data, {**info, "checkpoint": True})
    assert [m.name for m in library.list_models()] == ["default", "x"]
