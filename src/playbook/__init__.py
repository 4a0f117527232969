"""playbook: partner sales motions as code.

Motions are written as YAML, validated against a JSON Schema, linted for
repeatability and compiled into partner-facing kits.
"""

__version__ = "0.1.0"
