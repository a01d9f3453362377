"""Test helpers: run a coroutine from a sync test, open a classroom socket as a user."""

from __future__ import annotations

import json

from asgiref.sync import async_to_sync
from channels.testing import WebsocketCommunicator

from elearning.testing.sockets import ORIGIN, communicator_for


def run(coroutine_function):
    """pytest runs these tests synchronously; this runs one async scenario to completion."""
    return async_to_sync(coroutine_function)()


class Socket:
    """A classroom socket as ``user``; ``connect``/``open`` make the communicator."""

    def __init__(self, course_id: int, user=None, *, query: str = "", origin: str = ORIGIN):
        self.path = f"/ws/classroom/{course_id}/" + (f"?{query}" if query else "")
        self.user = user
        self.origin = origin
        self.communicator: WebsocketCommunicator | None = None

    async def connect(self) -> tuple[bool, int | str | None]:
        self.communicator = await communicator_for(self.path, self.user, origin=self.origin)
        return await self.communicator.connect()

    async def open(self) -> dict:
        """Connect and return the ``state`` with its ``board`` pieces gathered into "board"."""
        connected, _ = await self.connect()
        assert connected
        state = await self.receive()
        assert state["type"] == "state", state
        state["board"] = []
        for _ in range(state["board_pieces"]):
            piece = await self.receive()
            assert piece["type"] == "board", piece
            state["board"] += piece["elements"]
        return state

    async def refused_with(self) -> int:
        connected, _ = await self.connect()
        assert connected  # accepted, then closed with a code the page explains
        output = await self.communicator.receive_output(timeout=3)
        assert output["type"] == "websocket.close", output
        return output["code"]

    async def send(self, message) -> None:
        await self.communicator.send_to(text_data=message if isinstance(message, str) else json.dumps(message))

    async def send_bytes(self, data: bytes) -> None:
        await self.communicator.send_to(bytes_data=data)

    async def receive(self, timeout: float = 3) -> dict:
        return await self.communicator.receive_json_from(timeout=timeout)

    async def receive_type(self, kind: str, timeout: float = 3) -> dict:
        """The next message of type ``kind``, skipping others (presence notices, …)."""
        while True:
            message = await self.receive(timeout)
            if message["type"] == kind:
                return message

    async def receive_bytes(self, timeout: float = 3) -> bytes:
        while True:
            output = await self.communicator.receive_output(timeout=timeout)
            if output.get("bytes") is not None:
                return output["bytes"]

    async def closed_with(self, timeout: float = 3) -> int:
        while True:
            output = await self.communicator.receive_output(timeout=timeout)
            if output["type"] == "websocket.close":
                return output["code"]

    async def nothing(self, timeout: float = 0.2) -> bool:
        return await self.communicator.receive_nothing(timeout=timeout)

    async def close(self) -> None:
        await self.communicator.disconnect()
