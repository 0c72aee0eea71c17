"""reelforge: YAML scripts to branded Reels and Shorts with Arabic and French voiceover and subtitles."""
__version__ = "0.1.0"
