from enum import Enum


class PublicationErrorCode(Enum):
    NOTHING_TO_PUBLISH = "NOTHING_TO_PUBLISH"
    UNKNOWN_DIMENSION = "UNKNOWN_DIMENSION"
