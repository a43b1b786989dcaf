"""Unknown clusters: what no rule explained, grouped by error template for a human to finish."""

from analyzer.unknowns.clustering import CLUSTER_ID, cluster_unknowns
from analyzer.unknowns.masking import mask, mask_text

__all__ = ["CLUSTER_ID", "cluster_unknowns", "mask", "mask_text"]
