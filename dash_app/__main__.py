import sys

from dash_app.cli import main

sys.exit(main())
