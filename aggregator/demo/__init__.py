"""The offline demo: recorded pages of the default sources, served on 127.0.0.1 and crawled."""
