"""Latent Sketchbook's showing half: Qt widgets and the threads that feed them, over core."""
