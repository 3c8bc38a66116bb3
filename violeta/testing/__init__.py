"""Test helpers shared by the apps' test suites (pytest plugins, not part of the running application)."""
