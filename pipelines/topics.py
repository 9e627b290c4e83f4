"""Fifth pipeline: relevance of the item to each topic, with the terms that matched."""

from __future__ import annotations

from aggregator.crawl.candidate import Candidate
from aggregator.curate.relevance import score_item
from aggregator.services.harvested import TopicMatch
from pipelines.base import HarvestPipeline


class TopicPipeline(HarvestPipeline):
    """Scores the item against every topic, by the terms for its language; only topics it matches are kept."""

    def process_item(self, item: Candidate) -> Candidate:
        matches = []
        for topic in self.harvest.topics:
            score = score_item(item.title, item.summary, item.text, item.language, topic.terms)
            if score.score > 0:
                matches.append(TopicMatch(topic.id, score.score, score.matched))
        item.topic_matches = matches
        return item
