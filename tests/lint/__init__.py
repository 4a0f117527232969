"""Tests of the linter: rules, suppressions, settings, score, reports."""
