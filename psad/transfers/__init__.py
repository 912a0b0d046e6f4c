"""Transfers of a youth between the PSADs of an installation."""
