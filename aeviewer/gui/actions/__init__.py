"""Menu, toolbar and key actions (one registry) and the controllers behind them (files, sessions, exports)."""
