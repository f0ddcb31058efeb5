"""Latent Sketchbook's thinking half: drawings, formats, the model, training, latent space.

Nothing here imports Qt, so all of it runs headless, from the CLI and from tests.
"""

__version__ = "0.1.0"
