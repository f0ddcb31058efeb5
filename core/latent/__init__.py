"""A dataset's latent space under a model: the latent index (every face's thought vector,
clusters, 2-D and 3-D maps), building and caching it, cluster Gaussians, generation (random
faces, interpolation, completion, faces ahead of the map cursor), thought arithmetic, cluster
reports, and the workspace (a model, a dataset and its index). Imports core.model and below."""
