"""The one line that gives pytest-recording nbkit's scrubbing, matching and key audit."""

pytest_plugins = ["nbkit.cassettes.pytest_recording"]
