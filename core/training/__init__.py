"""Making models: the training loop and its data, progress for people and programs, runs
that outlive the window, retraining on one cluster (planning, choosing, re-centring), the
Gaussian written into a freshly trained file, and averaging models. Imports core.latent and
below."""
