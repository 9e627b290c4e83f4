"""Fifth pipeline: relevance of the item to each topic, with the terms that matched."""

from __future__ import annotations

from aggregator.crawl.candidate import Candidate
from aggregator.curate.relevance import score_topic
from aggregator.services.recording import TopicMatch
from pipelines.base import HarvestPipeline


class TopicPipeline(HarvestPipeline):
    """Scores the item against every topic; only topics it matches are kept."""

    def process_item(self, item: Candidate) -> Candidate:
        matches = []
        for topic in self.harvest.topics:
            score = score_topic(item.title, item.summary, item.text, topic.include_terms, topic.exclude_terms)
            if score.score > 0:
                matches.append(TopicMatch(topic.id, score.score, score.matched))
        item.topic_matches = matches
        return item
