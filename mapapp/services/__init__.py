"""User tasks put together: the only code that reads Settings and opens stores for a task."""
