"""The ground floor every other part stands on: errors a person can act on, the valid range
of every setting, files written whole or not at all, where the person's things live, the
shipped resources, streams (work that answers early), trace marks and the GUI-thread
collector. Imports nothing of core."""
