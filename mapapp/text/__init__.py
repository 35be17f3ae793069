"""User-visible texts (German first): pure functions from results to text."""
