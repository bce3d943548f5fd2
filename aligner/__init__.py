"""ruzh-aligner: Russian–Chinese sentence alignment, for researchers as a library.

>>> import aligner
>>> df = aligner.align_corpus("corpus")                     # doctest: +SKIP
>>> aligner.write_parquet(df[df.score >= 0.8], "output/confident.parquet")  # doctest: +SKIP

The implementations live in ``aligner.api`` and ``aligner.export``; this module
only hands their names on.
"""

from aligner.api import align_corpus, align_pair
from aligner.config import AlignerSettings, RunConfig
from aligner.embed import get_encoder
from aligner.export import to_dataframe
from aligner.export.parquet import read_signature, write_parquet
from aligner.export.tmx_reader import read_tmx

__all__ = ["AlignerSettings", "RunConfig", "align_corpus", "align_pair", "get_encoder",
           "read_signature", "read_tmx", "to_dataframe", "write_parquet"]
