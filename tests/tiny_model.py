"""A tiny but real sentence-transformers model, built offline in a few seconds.

A WordPiece tokenizer trained on the corpus, a one-layer BERT with random weights and mean
pooling, saved to a folder and loaded back through the same code path a user's model takes.
Its embeddings carry no meaning, but identical texts embed identically, which is enough to
exercise FAISS, fusion and persistence honestly.
"""

from __future__ import annotations

from pathlib import Path


def build_tiny_model(folder: Path, corpus_text: str) -> Path:
    """Write a sentence-transformers model folder at ``folder`` and return it."""
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
        trainers.WordPieceTrainer(vocab_size=3000, special_tokens=special),
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
    torch.manual_seed(0)
    config = BertConfig(
        vocab_size=tokenizer.get_vocab_size(),
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=512,
    )
    BertModel(config).save_pretrained(hf_folder)
    transformer = Transformer(str(hf_folder), max_seq_length=256)
    model = SentenceTransformer(modules=[transformer, Pooling(32, pooling_mode="mean")], device="cpu")
    model_folder = folder / "tiny-st-model"
    model.save(str(model_folder))
    return model_folder
