"""Holding thought vectors: averages, face arithmetic and favourites, in core and on the CLI."""

from __future__ import annotations

import numpy as np
import pytest

from core.base.errors import BadFile, BadRequest
from core.cli.main import main
from core.drawings.faces import generate_faces
from core.drawings.formats import read_dataset
from core.latent.thoughts import arithmetic_face, arithmetic_z, average_face
from core.personal.favourites import Favourites


def test_the_average_of_one_face_is_that_vector_decoded_and_members_come_most_typical_first(
    sketcher,
):
    z = np.random.default_rng(0).standard_normal((5, sketcher.config.z_size)).astype(np.float32)
    alone = average_face(sketcher, z[:1])
    np.testing.assert_array_equal(
        alone.face.points(), sketcher.decode(z[0], temperature=0.05, seed=0)[0].points()
    )
    z[3] = z.mean(0)  # one of them is the average itself
    average = average_face(sketcher, z)
    assert average.count == 5 and average.members[0] == 3
    assert sorted(average.members) == [0, 1, 2, 3, 4]


def test_face_arithmetic_is_a_plus_strength_times_c_minus_b(sketcher):
    a, b, c = np.eye(3, sketcher.config.z_size, dtype=np.float32)
    np.testing.assert_allclose(arithmetic_z(a, b, c), a - b + c)
    np.testing.assert_allclose(arithmetic_z(a, b, c, 0.0), a)
    np.testing.assert_allclose(arithmetic_z(a, b, c, 0.5), a + 0.5 * (c - b))
    with pytest.raises(BadRequest, match="between -3 and 3"):
        arithmetic_z(a, b, c, 7.0)
    with pytest.raises(BadRequest, match="same model"):
        arithmetic_z(a, b, c[:3])
    assert not arithmetic_face(sketcher, a, b, c).is_empty


def test_average_and_arithmetic_on_the_command_line(tiny_model, procedural_file, tmp_path, capsys):
    out = tmp_path / "average.ndjson"
    common = ["--model", str(tiny_model), "--data", str(procedural_file), "--clusters", "3"]
    assert main(["average", *common, "--cluster", "1", "--out", str(out)]) == 0
    assert "averaged" in capsys.readouterr().out
    assert len(read_dataset(out).drawings()) == 1
    grid = tmp_path / "average.png"
    assert main(["average", *common, "--indices", "1", "5", "9", "--out", str(grid)]) == 0
    assert grid.stat().st_size > 0
    mixed = tmp_path / "mixed.svg"
    args = ["--a", f"{procedural_file}#3", "--b", "cluster:0", "--c", "cluster:2"]
    assert main(["arithmetic", *common, *args, "--out", str(mixed)]) == 0
    assert mixed.read_text().startswith("<svg")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["average", "--indices", "5000"], "--indices must be between"),
        (["average", "--cluster", "9"], "cluster"),
        (["arithmetic", "--a", "cluster:x", "--b", "cluster:0", "--c", "cluster:1"], "cluster:K"),
        (["arithmetic", "--a", "cluster:0", "--b", "cluster:0", "--c", "cluster:1",
          "--strength", "9"], "between -3 and 3"),
    ],
)  # fmt: skip
def test_bad_thought_requests_are_one_line_and_exit_2(
    args, message, tiny_model, procedural_file, tmp_path, capsys
):
    common = ["--model", str(tiny_model), "--data", str(procedural_file), "--clusters", "3"]
    assert main([args[0], *common, *args[1:], "--out", str(tmp_path / "x.png")]) == 2
    err = capsys.readouterr().err.strip()
    assert message in err and len(err.splitlines()) == 1


def test_favourites_are_kept_between_runs_and_outlive_their_model(tmp_path):
    path = tmp_path / "favourites.ndjson"
    shelf = Favourites(path)
    faces = generate_faces(3, seed=50)
    kept = [shelf.add(f, "generated", model="a model since deleted") for f in faces]
    shelf.remove(kept[1].key)
    again = Favourites(path)
    seen = []
    again.changed.connect(seen.append)
    assert [f.key for f in again.load()] == [kept[0].key, kept[2].key]
    assert seen and again.faces[0].labels["model"] == "a model since deleted"


def test_an_unreadable_favourites_file_is_said_and_never_overwritten(tmp_path):
    path = tmp_path / "favourites.ndjson"
    path.write_text("this is not ndjson\n")
    shelf = Favourites(path)
    assert shelf.load() == [] and "unreadable" in shelf.problem
    with pytest.raises(BadFile, match="nothing was overwritten"):
        shelf.add(generate_faces(1, seed=51)[0], "drawn")
    assert path.read_text() == "this is not ndjson\n"
