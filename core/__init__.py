"""Latent Sketchbook's thinking half. Nothing here imports Qt, so all of it runs headless,
from the command line and from tests. Seven parts in layers, each importing only those below
it (import-linter checks it in `make test`):

    cli        the `sketchbook` command and its subcommands
    session    what one window builds up, the requests it sends, the worker's queue
    personal   the person's own things: collection, favourites, autosave, model library
    training   training runs, retraining on a cluster, averaging models
    latent     a dataset's latent index: clusters, maps, generation, thought vectors
    model      the network, its files, and the Sketcher that runs it
    drawings   drawings, their file formats, and the model's canonical input
    base       errors, ranges, safe writes, where things live

(session and personal are side by side: neither imports the other.)
"""

__version__ = "0.1.0"
