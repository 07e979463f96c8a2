"""A tiny but real sentence-transformers model, built offline in a few seconds.

A WordPiece tokenizer trained on the corpus, a one-layer BERT with random weights and mean
pooling, saved to a folder and loaded back through the same code path a user's model takes.
Its embeddings carry no meaning, but identical texts embed identically, which is enough to
exercise FAISS, fusion and persistence honestly.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

_VOCAB_ROWS = 3000


def build_tiny_model(
    folder: Path,
    corpus_text: str,
    *,
    hidden: int = 32,
    layers: int = 1,
    heads: int = 2,
    vocab_rows: int = _VOCAB_ROWS,
) -> Path:
    """Write a sentence-transformers model folder at ``folder`` and return it.

    The defaults make the tiny test model; ``bench/`` passes multilingual-e5-small's shape
    (384 hidden, 12 layers, 12 heads, 250k vocabulary rows) to time a model of real size.
    """
    import torch
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.base.modules import Transformer
    from sentence_transformers.sentence_transformer.modules import Pooling
    from tokenizers import Tokenizer, decoders, models, normalizers, pre_tokenizers, processors, trainers
    from transformers import BertConfig, BertModel, BertTokenizerFast

    special = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    tokenizer = Tokenizer(models.WordPiece(unk_token="[UNK]"))
    tokenizer.normalizer = normalizers.BertNormalizer(lowercase=True, strip_accents=True)
    tokenizer.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    tokenizer.train_from_iterator(
        [line for line in corpus_text.splitlines() if line.strip()],
        trainers.WordPieceTrainer(vocab_size=_VOCAB_ROWS, special_tokens=special),
    )
    cls_id, sep_id = tokenizer.token_to_id("[CLS]"), tokenizer.token_to_id("[SEP]")
    tokenizer.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]",
        pair="[CLS] $A [SEP] $B:1 [SEP]:1",
        special_tokens=[("[CLS]", cls_id), ("[SEP]", sep_id)],
    )
    tokenizer.decoder = decoders.WordPiece()
    hf_folder = folder / "hf"
    BertTokenizerFast(
        tokenizer_object=tokenizer,
        unk_token="[UNK]",
        pad_token="[PAD]",
        cls_token="[CLS]",
        sep_token="[SEP]",
        mask_token="[MASK]",
        model_max_length=512,
    ).save_pretrained(hf_folder)
    # WordPiece training breaks ties in whatever order it meets them, so two runs can differ by
    # a token or two, which would shift every token id. Keep the weights a function of token
    # strings instead: a fixed matrix size (the random draws for the other layers stay the
    # same) and each token's embedding seeded by a hash of the token.
    torch.manual_seed(0)
    config = BertConfig(
        vocab_size=vocab_rows,
        hidden_size=hidden,
        num_hidden_layers=layers,
        num_attention_heads=heads,
        intermediate_size=4 * hidden if hidden > 32 else 64,
        max_position_embeddings=512,
    )
    model = BertModel(config)
    with torch.no_grad():
        for token, token_id in tokenizer.get_vocab().items():
            seed = int(hashlib.md5(token.encode("utf-8")).hexdigest()[:8], 16)
            generator = torch.Generator().manual_seed(seed)
            model.embeddings.word_embeddings.weight[token_id] = torch.randn(hidden, generator=generator) * 0.5
    model.save_pretrained(hf_folder)
    transformer = Transformer(str(hf_folder), max_seq_length=256)
    sentence_model = SentenceTransformer(
        modules=[transformer, Pooling(hidden, pooling_mode="mean")], device="cpu"
    )
    model_folder = folder / "tiny-st-model"
    sentence_model.save(str(model_folder))
    return model_folder
