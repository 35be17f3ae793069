"""KOMM-IN NRW map: Förderkarte, Integrationsangebote, Versorgungslücken."""

__version__ = "0.1.0"
