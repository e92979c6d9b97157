"""Enumerations of the contract; every member's value is what the API shows and accepts."""

from enum import StrEnum


class OrderDirection(StrEnum):
    BUY = "BUY"
    SELL = "SELL"


class OrderType(StrEnum):
    LIMIT = "LIMIT"
    OPEN_STOP = "OPEN_STOP"


class AssetType(StrEnum):
    """The broker's own asset-type strings: stored and shown by value."""

    WARRANT_OPEN_END_KNOCK_OUT = "WarrantOpenEndKnockOut"
    WARRANT_KNOCK_OUT = "WarrantKnockOut"
    ETF = "Etf"
    ETC = "Etc"
    MINI_FUTURE = "MiniFuture"
    STOCK = "Stock"
    STOCK_INDEX = "StockIndex"
    CFD_ON_INDEX = "CfdOnIndex"
    CFD_ON_FUTURES = "CfdOnFutures"
    CRYPTO = "Crypto"


class UnitTime(StrEnum):
    M15 = "15m"
    H1 = "h1"
    H4 = "h4"
    DAILY = "daily"
    WEEKLY = "weekly"
    MONTHLY = "monthly"


class IndicatorName(StrEnum):
    MA50 = "ma50"
    COMBO = "combo"
    BBB = "bbb"
    BBH = "bbh"
    POLARITE = "polarite"
    ZONE = "zone"


class CloseDirection(StrEnum):
    ABOVE = "above"
    BELOW = "below"


class ConditionElement(StrEnum):
    CLOSE = "close"
    HIGH = "high"
    LOW = "low"


class TriggerSignal(StrEnum):
    BREAKOUT = "breakout"


class TriggerLocation(StrEnum):
    HIGHER = "higher"
    LOWER = "lower"
