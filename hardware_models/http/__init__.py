"""HTTP push: plate cameras that post their events to the gate service."""

from hardware_models.http.camera import HttpPlateCamera
from hardware_models.http.server import HttpEventServer, server_for

__all__ = ["HttpEventServer", "HttpPlateCamera", "server_for"]
