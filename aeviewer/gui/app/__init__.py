"""The application: the main window that builds docks around one ExplorerState, start-up and the self-test."""
