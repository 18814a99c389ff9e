"""Package data: the wheel maps schemas/ and rules/ here (see pyproject.toml)."""
