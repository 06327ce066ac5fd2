"""Publication: releases, statistics, the Committee's figures, checkpoints."""
