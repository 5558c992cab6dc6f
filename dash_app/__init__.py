"""The web app: Flask server, Dash app, sign-in, settings, CLI and routes.

The factory is dash_app.factory.create_app. This file stays empty so that importing any
module of the package (callbacks/ import dash_app.auth and dash_app.database) never runs
the factory's imports, which include callbacks/ itself."""
