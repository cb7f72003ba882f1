import FailoverCore
import Testing

@Suite("AlertMatcher and AlertMatcherSet: matching labels")
struct AlertMatcherSetTests {
    static func set(_ texts: [String]) throws -> AlertMatcherSet {
        AlertMatcherSet(try texts.map { try AlertMatcher(parsing: $0) })
    }

    @Test(
        "each operator against present, empty and missing labels",
        arguments: [
            (#"foo="x""#, ["foo": "x"], true), (#"foo="x""#, ["foo": "X"], false), (#"foo="x""#, [:], false),
            (#"foo="""#, [:], true), (#"foo="""#, ["foo": ""], true), (#"foo="""#, ["foo": "x"], false),
            (#"foo!="x""#, [:], true), (#"foo!="x""#, ["foo": "x"], false), (#"foo!="x""#, ["foo": "y"], true),
            (#"foo!="""#, [:], false), (#"foo!="""#, ["foo": ""], false), (#"foo!="""#, ["foo": "x"], true),
            (#"foo=~"""#, [:], true), (#"foo=~".+""#, [:], false), (#"foo=~".*""#, [:], true),
            (#"foo!~".+""#, [:], true), (#"foo!~"x""#, [:], true), (#"foo!~"""#, [:], false),
            (#"foo!~"""#, ["foo": "x"], true), (#"env!~"dev|test""#, ["env": "prod"], true),
            (#"env!~"dev|test""#, ["env": "dev"], false), (#"env!~"dev|test""#, ["env": "development"], true),
            (#"env!~"dev|test""#, [:], true), (#"region=~"us""#, ["region": "us-east"], false),
            (#"a="\u00e9""#, ["a": "e\u{301}"], false), (#"a="\u00e9""#, ["a": "\u{E9}"], true),
            (#"a!="\u00e9""#, ["a": "e\u{301}"], true), (#"a="日本""#, ["a": "日本"], true),
            (#"other="x""#, ["foo": "x"], false),
        ])
    func operators(text: String, labels: [String: String], expected: Bool) throws {
        #expect(try AlertMatcher(parsing: text).matches(labels) == expected)
    }

    @Test("a set matches when every matcher does; an empty set matches everything")
    func conjunction() throws {
        let set = try Self.set([#"alertname="PrimaryRegionUnhealthy""#, #"region=~"us-.*""#, #"env!="staging""#])
        #expect(set.matches(["alertname": "PrimaryRegionUnhealthy", "region": "us-east-1"]))
        #expect(set.matches(["alertname": "PrimaryRegionUnhealthy", "region": "us-east-1", "env": "prod"]))
        #expect(!set.matches(["alertname": "PrimaryRegionUnhealthy", "region": "us-east-1", "env": "staging"]))
        #expect(!set.matches(["alertname": "PrimaryRegionUnhealthy", "region": "eu-west-1"]))
        #expect(!set.matches(["region": "us-east-1"]))
        #expect(AlertMatcherSet([]).matches([:]))
        #expect(AlertMatcherSet([]).matches(["a": "b"]))
        // The order matchers are tried in (regexes last) does not change the outcome or what is kept.
        let regexFirst = try Self.set([#"region=~"(us|eu)-[a-z]+-\\d""#, #"alertname="A""#])
        #expect(regexFirst.matches(["region": "us-east-1", "alertname": "A"]))
        #expect(!regexFirst.matches(["region": "us-east-1", "alertname": "B"]))
        #expect(regexFirst.matchers.map(\.name) == ["region", "alertname"])
    }

    @Test(
        "guaranteedLabels: the labels every matching alert carries with a non-empty value",
        arguments: [
            ([#"alertname="X""#, #"region=~"us-.*""#], ["alertname", "region"]),
            ([#"env!="prod""#, #"team=~".*""#, #"tier="""#, #"x=~"a|""#, #"y!~".+""#], []),
            ([#"a!="""#, #"b!~"""#, #"c!~"|x""#, #"d!~"a""#], ["a", "b", "c"]),
            (
                [#"a=~".+""#, #"b=~"(?:x)+""#, #"c=~"x?""#, #"d=~"x*""#, #"e=~"\\d{0,2}""#, #"f=~"\\d{1,2}""#],
                ["a", "b", "f"]
            ),
            ([#"a="x""#, #"a!="y""#], ["a"]), ([], []),
        ] as [([String], Set<String>)])
    func guaranteedLabels(texts: [String], expected: Set<String>) throws {
        #expect(try Self.set(texts).guaranteedLabels == expected)
    }

    @Test("labelNames: in order of first appearance, without repeats")
    func labelNames() throws {
        let set = try Self.set([#"b="1""#, #"a=~"2""#, #"b!="3""#, #"c!~"4""#, #"a="5""#])
        #expect(set.labelNames == ["b", "a", "c"])
        #expect(AlertMatcherSet([]).labelNames == [])
    }

    @Test("sets are equal when their matchers are, in the same order")
    func equality() throws {
        #expect(try Self.set(["a=x", "b=~y"]) == Self.set([#"a="x""#, #"b=~"y""#]))
        #expect(try Self.set(["a=x", "b=~y"]) != Self.set(["b=~y", "a=x"]))
    }
}
