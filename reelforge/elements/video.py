"""`type: video`: a video clip playing (looped) in its box."""
from ..config.checks import video_problem
from ..config.options import File, Schema
from ..media import VideoSource
from . import ElementKind


class VideoElement(ElementKind):
    name = "video"
    options = Schema({"file": File(check=video_problem, help="a video file, relative to the script")})

    def place(self, item, timeline, where, background):
        x, y, w, h = item.box
        return VideoSource(str(item.file), w, h, start=0.0, loop=True, where=where, origin=(x, y))


ELEMENT = VideoElement()
