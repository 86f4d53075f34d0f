"""Work off the GUI thread: background tasks, training, run following and the latest-only decoder."""
