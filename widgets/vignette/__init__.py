"""Branching case vignettes: the data model, its rules, and the player.

In a notebook:

    from widgets.vignette import play
    play("m1-first-call")
"""

from widgets.vignette.model import Playthrough, Vignette, VignetteError, load, load_by_id, vignette_files


def play(vignette_id: str):
    """The player for a vignette, ready to show as a cell's last value."""
    from widgets.vignette.player import VignettePlayer  # ipywidgets only when a player is wanted

    return VignettePlayer(load_by_id(vignette_id))


__all__ = ["Playthrough", "Vignette", "VignetteError", "load", "load_by_id", "play", "vignette_files"]
