"""The latent index: deterministic, cached safely, walkable both ways, and generative."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from core.base.errors import BadRequest
from core.drawings.faces import generate_faces
from core.drawings.formats import read_dataset
from core.drawings.strokes import Drawing
from core.latent import indexing
from core.latent.generate import average_z, cluster_z, complete, interpolate, sample_faces, slerp
from core.latent.indexing import build_index, cached_index


def test_the_same_model_data_and_k_give_the_same_clusters_and_map(sketcher, faces_index):
    drawings, index = faces_index
    again = build_index(sketcher, drawings, k=4)
    np.testing.assert_array_equal(again.labels, index.labels)
    np.testing.assert_allclose(again.map_xy, index.map_xy, atol=1e-5)
    sizes = index.cluster_sizes()
    assert list(sizes) == sorted(sizes, reverse=True), "cluster 0 is the largest"


def test_auto_k_picks_a_k_by_silhouette(sketcher, faces_index):
    drawings, _ = faces_index
    index = build_index(sketcher, drawings[:200], k="auto")
    assert indexing.AUTO_K_RANGE[0] <= index.k <= indexing.AUTO_K_RANGE[-1]
    assert -1 <= index.silhouette <= 1


def test_cache_is_used_and_a_corrupt_one_is_rebuilt_with_a_notice(
    sketcher, faces_index, tmp_path, monkeypatch
):
    drawings, _ = faces_index
    first = cached_index(sketcher, drawings, tmp_path, "data-1", k=3)
    monkeypatch.setattr(
        indexing, "build_index", lambda *a, **k: pytest.fail("rebuilt despite the cache")
    )
    second = cached_index(sketcher, drawings, tmp_path, "data-1", k=3)
    np.testing.assert_array_equal(first.labels, second.labels)
    assert second.keys == first.keys
    monkeypatch.undo()

    folder = next(tmp_path.glob("index-*"))
    (folder / "arrays.npz").write_bytes(b"PK\x03\x04 not really")
    notices: list[str] = []
    third = cached_index(sketcher, drawings, tmp_path, "data-1", k=3, notice=notices.append)
    assert notices and "rebuilding" in notices[0]
    np.testing.assert_array_equal(third.labels, first.labels)


def test_bad_k_and_empty_datasets_are_refused(sketcher, faces_index):
    drawings, _ = faces_index
    with pytest.raises(BadRequest, match="only 3 drawings"):
        build_index(sketcher, drawings[:3], k=5)
    with pytest.raises(BadRequest, match="between 1 and"):
        build_index(sketcher, drawings[:20], k=0)
    with pytest.raises(BadRequest, match="no usable drawings"):
        build_index(sketcher, [Drawing([])], k=1)


def test_a_centroid_belongs_to_its_own_cluster_most_confidently(faces_index):
    _, index = faces_index
    for c in range(index.k):
        a = index.assign(index.centroids[c])[0]
        assert a.cluster == c
        assert a.confidence == pytest.approx(a.probabilities.max())
        assert a.probabilities.sum() == pytest.approx(1.0)


def test_map_walk_has_no_jumps_and_falls_back_to_the_projection_far_away(faces_index):
    _, index = faces_index
    lo, hi = index.map_xy.min(0), index.map_xy.max(0)
    path = np.linspace(lo, hi, 400)
    z = index.map_to_latent(path)
    steps = np.linalg.norm(np.diff(z, axis=0), axis=1)
    typical = np.linalg.norm(index.mu - index.mu.mean(0), axis=1).mean()
    assert steps.max() < 0.1 * typical, "a one-pixel move must not jump across the space"
    far = hi + 100 * (hi - lo)
    np.testing.assert_allclose(index.map_to_latent(far), index.from_map_linear(far), atol=1e-4)
    # in the data the way back leaves the plane, towards the data itself
    inside = index.map_to_latent(index.map_xy[:50])
    plane = index.from_map_linear(index.map_xy[:50])
    assert (
        np.linalg.norm(inside - index.mu[:50], axis=1).mean()
        < np.linalg.norm(plane - index.mu[:50], axis=1).mean()
    )


def test_nearest_finds_the_drawing_itself_first(faces_index):
    _, index = faces_index
    found = index.nearest(index.mu[[5, 17]], 3)
    assert found[0, 0] == 5 and found[1, 0] == 17


def test_adding_a_drawing_places_it_without_a_rebuild(sketcher, faces_index):
    drawings, built = faces_index
    index = build_index(sketcher, drawings[:60], k=3)
    mine = drawings[100]
    mu, _ = sketcher.encode([mine])
    cluster = index.add(mu[0], "mine")
    assert len(index) == 61 and index.keys[-1] == "mine"
    assert cluster == index.assign(mu)[0].cluster == index.labels[-1]
    assert index.nearest(mu, 1)[0, 0] == 60


def test_slerp_starts_and_ends_at_its_vectors():
    a, b = np.array([1.0, 0, 0]), np.array([0, 2.0, 0])
    path = slerp(a, b, 5)
    np.testing.assert_allclose(path[0], a, atol=1e-6)
    np.testing.assert_allclose(path[-1], b, atol=1e-6)
    with pytest.raises(BadRequest):
        slerp(a, b, 1)


def test_cluster_samples_land_in_their_cluster(faces_index):
    _, index = faces_index
    for c in range(index.k):
        z = cluster_z(index, c, 50, seed=c)
        hits = sum(a.cluster == c for a in index.assign(z))
        assert hits >= 35, f"cluster {c}: only {hits} of 50"
    with pytest.raises(BadRequest, match="no cluster 9"):
        cluster_z(index, 9, 1)


def test_random_faces_like_the_dataset_are_drawn_from_where_its_faces_are(sketcher, faces_index):
    """The encoder puts faces in a small part of the prior; random faces "like the dataset's"
    take z from the Gaussian of the dataset's own vectors, so they land among its faces where
    prior samples land far from every one."""
    from core.latent.generate import DATASET, PRIOR, gaussian_z, prior_z

    _, index = faces_index
    mean, chol = index.dataset_gaussian()
    like = gaussian_z(mean, chol, 500, seed=3)
    prior = prior_z(500, index.mu.shape[1], seed=3)
    np.testing.assert_allclose(like.std(0), index.mu.std(0), rtol=0.2)
    narrower = gaussian_z(mean, chol, 500, temperature=0.5, seed=3)  # the app's spread slider
    np.testing.assert_allclose(narrower.std(0), 0.5 * like.std(0), rtol=1e-4)

    def nearest_face(z: np.ndarray) -> float:
        return float(np.sqrt(((z[:, None] - index.mu[None]) ** 2).sum(-1)).min(1).mean())

    assert nearest_face(like) < 0.5 * nearest_face(prior)
    assert index.dataset_gaussian() is index.dataset_gaussian()  # made once
    assert len(sample_faces(sketcher, 3, index=index, source=DATASET)) == 3
    assert len(sample_faces(sketcher, 3, source=PRIOR)) == 3
    with pytest.raises(BadRequest, match="needs a dataset index"):
        sample_faces(sketcher, 1, source=DATASET)
    with pytest.raises(BadRequest, match="not 'nowhere'"):
        sample_faces(sketcher, 1, index=index, source="nowhere")


def test_generation_api_makes_drawings(sketcher, faces_index):
    drawings, index = faces_index
    assert len(sample_faces(sketcher, 3)) == 3
    assert len(sample_faces(sketcher, 2, index=index, cluster=1)) == 2
    mu, _ = sketcher.encode(drawings[:2])
    strip = interpolate(sketcher, mu[0], mu[1], 5)
    assert len(strip) == 5
    first = sketcher.decode(mu[:1], temperature=0.05, seed=0)[0]
    np.testing.assert_allclose(strip[0].points(), first.points(), atol=1e-3)
    np.testing.assert_allclose(average_z(mu), mu.mean(0))
    assert len(complete(sketcher, drawings[0].with_strokes(drawings[0].strokes[:1]), n=2)) == 2
    with pytest.raises(BadRequest, match="nothing to complete"):
        complete(sketcher, Drawing([]))


def _cli(*args: str, home: Path) -> subprocess.CompletedProcess:
    env = {"SKETCHBOOK_HOME": str(home), "PATH": "/usr/bin:/bin", "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.run(
        [sys.executable, "-m", "core", *args], capture_output=True, text=True, env=env, timeout=300
    )


def test_cli_index_sample_interpolate_complete_and_report(
    tiny_model, procedural_file, tmp_path, private_home
):
    m, d = str(tiny_model), str(procedural_file)
    result = _cli(
        "index",
        "--model",
        m,
        "--data",
        d,
        "--clusters",
        "3",
        "--json",
        "--assign",
        d,
        home=private_home,
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["clusters"] == 3 and sum(report["sizes"]) == 400
    assert sum(report["assigned"]["counts"]) == 400 and len(report["medoids"]) == 3

    assert (
        _cli(
            "sample",
            "--model",
            m,
            "--source",
            "prior",
            "--n",
            "4",
            "--out",
            str(tmp_path / "s.ndjson"),
            home=private_home,
        ).returncode
        == 0
    )
    assert len(read_dataset(tmp_path / "s.ndjson")) == 4
    result = _cli(
        "sample",
        "--model",
        m,
        "--data",
        d,
        "--clusters",
        "3",
        "--cluster",
        "1",
        "--n",
        "3",
        "--out",
        str(tmp_path / "c.svg"),
        home=private_home,
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "c.svg").read_text().count("<g transform") == 3

    result = _cli(
        "interpolate",
        "--model",
        m,
        "--a",
        f"{d}#0",
        "--b",
        f"{d}#7",
        "--steps",
        "6",
        "--out",
        str(tmp_path / "i.png"),
        home=private_home,
    )
    assert result.returncode == 0, result.stderr
    result = _cli(
        "complete",
        "--model",
        m,
        "--partial",
        f"{d}#3",
        "--n",
        "3",
        "--out",
        str(tmp_path / "c.ndjson"),
        home=private_home,
    )
    assert result.returncode == 0 and len(read_dataset(tmp_path / "c.ndjson")) == 3
    result = _cli(
        "report",
        "--model",
        m,
        "--data",
        d,
        "--clusters",
        "3",
        "--out",
        str(tmp_path / "r"),
        home=private_home,
    )
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in (tmp_path / "r").iterdir()) == [
        "cluster_0.png",
        "cluster_1.png",
        "cluster_2.png",
        "map.png",
    ]


def test_cli_refuses_a_cluster_that_does_not_exist(
    tiny_model, procedural_file, tmp_path, private_home
):
    result = _cli(
        "sample",
        "--model",
        str(tiny_model),
        "--data",
        str(procedural_file),
        "--clusters",
        "3",
        "--cluster",
        "7",
        "--out",
        str(tmp_path / "x.png"),
        home=private_home,
    )
    assert result.returncode == 2 and "no cluster 7" in result.stderr
    result = _cli(
        "interpolate",
        "--model",
        str(tiny_model),
        "--a",
        f"{procedural_file}#999",
        "--b",
        str(procedural_file),
        "--out",
        str(tmp_path / "x.png"),
        home=private_home,
    )
    assert result.returncode == 2 and "#0 to #399" in result.stderr


def test_a_dataset_of_one_face_still_makes_an_index(sketcher, faces_index):
    drawings, _ = faces_index
    index = build_index(sketcher, drawings[:1], k="auto")
    assert index.k == 1 and len(index) == 1
    assert index.assign(index.mu)[0].cluster == 0
    assert np.isfinite(index.map_to_latent(np.array([0.3, -0.2]))).all()


def test_the_umap_map_keeps_neighbours_and_places_new_faces_beside_their_own(
    sketcher, faces_index, tmp_path
):
    from core.latent.indexing import cached_index

    drawings, pca_index = faces_index
    index = cached_index(sketcher, drawings, tmp_path, k=4, projection="umap")
    assert index.projection == "umap" and pca_index.projection == "pca"
    assert not np.allclose(index.map_xy, pca_index.map_xy, atol=1e-3)
    np.testing.assert_array_equal(index.labels, pca_index.labels)  # the same clusters
    # a drawing placed again lands among its nearest latent neighbours' places
    placed = index.to_map(index.mu[:20])
    spread = np.ptp(index.map_xy, axis=0).max()
    assert np.median(np.linalg.norm(placed - index.map_xy[:20], axis=1)) < 0.1 * spread
    # the way back is continuous: a small step on the map is a small step in z
    xy = index.map_xy[0]
    step = np.linalg.norm(index.map_to_latent(xy + 1e-3) - index.map_to_latent(xy))
    assert step < 1e-2
    again = cached_index(sketcher, drawings, tmp_path, k=4, projection="umap")
    np.testing.assert_array_equal(again.map_xy, index.map_xy)  # from the cache, as it was


def test_asking_for_umap_without_umap_learn_says_how_to_get_it(monkeypatch, sketcher, faces_index):
    from core.latent import indexing, projections

    monkeypatch.setattr(projections, "umap_available", lambda: False)
    with pytest.raises(BadRequest, match="pip install"):
        indexing.build_index(sketcher, faces_index[0][:30], k=2, projection="umap")


def test_the_live_analysis_shows_its_first_points_early_then_the_same_face_whole(
    sketcher, faces_index
):
    """The window gets the cluster, the map place and the start of the reconstruction before
    the decoder ends: the first try's first points (with one try, the same face drawn on from
    them); the finished answer is exactly what `Sketcher.reconstruct` gives, the nearest try."""
    from core.base.streams import collect
    from core.session.analysis import analyse_stream

    face = generate_faces(1, seed=31)[0]
    first_try = sketcher.reconstruct([face], tries=1)[0].points()
    for tries in (1, 5):
        early, final = collect(analyse_stream(sketcher, faces_index[1], face, tries=tries))
        first = early[0].reconstruction.points()
        assert 0 < len(first) < len(first_try)
        np.testing.assert_allclose(first, first_try[: len(first)], atol=1e-5)
    assert len(early) == 1 and not early[0].complete and final.complete
    whole = final.reconstruction.points()
    assert early[0].cluster == final.cluster
    np.testing.assert_allclose(early[0].map_xy, final.map_xy)
    # the nearest faces follow with the final answer (the first paint does not wait for them)
    assert len(early[0].neighbours) == 0
    np.testing.assert_array_equal(final.neighbours, faces_index[1].nearest(final.z, 6)[0])
    expected = sketcher.reconstruct([face], tries=5)[0].points()
    np.testing.assert_allclose(whole, expected, atol=1e-5)


def test_the_live_analysis_carried_to_more_tries_is_the_analysis_of_all_of_them(
    sketcher, faces_index
):
    """What the window shows a moment after pen-up: the same place, cluster and neighbours,
    the reconstruction now what `analyse` with all the tries gives, and it says how many."""
    from core.base.streams import collect
    from core.session.analysis import analyse, more_tries_stream

    face = generate_faces(1, seed=31)[0]
    index = faces_index[1]
    quick = analyse(sketcher, index, face, tries=4)
    early, carried = collect(more_tries_stream(sketcher, quick, 12))
    whole = analyse(sketcher, index, face, tries=12)
    assert early == [] and (quick.tries, carried.tries) == (4, 12)
    np.testing.assert_allclose(carried.reconstruction.points(), whole.reconstruction.points())
    assert carried.cluster == quick.cluster and carried.drawing is face
    np.testing.assert_array_equal(carried.neighbours, quick.neighbours)
    assert collect(more_tries_stream(sketcher, carried, 12))[1] is carried  # nothing more to do


def test_a_big_dataset_gives_a_first_look_then_the_same_index_as_the_command_line(
    tiny_model, procedural_file, tmp_path, monkeypatch
):
    """The window's load shows a random sample clustered on its own first; the whole index
    it ends with is the one `sketchbook index` builds."""
    from core.base.streams import collect
    from core.latent.workspace import load_workspace, workspace_stream

    monkeypatch.setenv("SKETCHBOOK_HOME", str(tmp_path / "window"))
    looks, final = collect(workspace_stream(str(tiny_model), procedural_file, 3, preview=50))
    (look,) = looks
    assert len(look.index) == 50 and look.index.meta["preview_of"] == 400
    assert set(look.index.keys) <= set(final.index.keys)
    assert len(final.index) == 400 and "preview_of" not in final.index.meta
    monkeypatch.setenv("SKETCHBOOK_HOME", str(tmp_path / "cli"))
    cli = load_workspace(str(tiny_model), procedural_file, 3)
    assert cli.index.keys == final.index.keys
    np.testing.assert_allclose(cli.index.mu, final.index.mu, atol=1e-5)
    assert (cli.index.labels == final.index.labels).mean() > 0.99


def test_on_a_big_map_the_way_back_is_the_same_through_the_k_d_tree(monkeypatch):
    """From TREE_FROM faces the map's neighbours come from a k-d tree (fast enough to drag
    over 160,000 faces): the faces generated must be exactly those of the full scan, also
    after the person's own drawing joins the map."""
    from core.base.streams import run_to_end
    from core.latent import index as latent
    from core.latent.indexing import index_from_vectors

    rng = np.random.default_rng(4)
    mu = rng.normal(size=(latent.TREE_FROM + 500, 8)).astype(np.float32)
    index = run_to_end(index_from_vectors(mu, [f"f{i}" for i in range(len(mu))], 3))
    places = index.map_xy[rng.choice(len(mu), 40)] + rng.normal(0, 0.1, (40, 2))
    index.add(rng.normal(size=8), "mine")
    through_tree = index.map_to_latent(places)
    monkeypatch.setattr(latent, "TREE_FROM", 10**9)
    np.testing.assert_allclose(index.map_to_latent(places), through_tree, rtol=0, atol=1e-6)
