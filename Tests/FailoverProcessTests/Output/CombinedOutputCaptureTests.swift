import Testing

@testable import FailoverProcess

@Suite("CombinedOutputCapture")
struct CombinedOutputCaptureTests {
    private func capture(_ chunks: [[UInt8]], limit: Int) -> CombinedOutputCapture {
        var capture = CombinedOutputCapture(limit: limit)
        for chunk in chunks { chunk.withUnsafeBytes { capture.append($0) } }
        return capture
    }

    @Test("keeps the first bytes across chunks and counts the rest")
    func keepsPrefix() {
        let result = capture([Array("abc".utf8), Array("defgh".utf8), Array("ij".utf8)], limit: 5)
        #expect(result.text == "abcde")
        #expect(result.totalBytes == 10)
        #expect(result.isTruncated)
    }

    @Test("exactly the limit is not truncated")
    func exactlyTheLimit() {
        let result = capture([Array("abcde".utf8)], limit: 5)
        #expect(result.text == "abcde")
        #expect(!result.isTruncated)
    }

    @Test("U+FFFD replacing single bytes never makes the text longer than the limit")
    func replacementStaysWithinLimit() {
        let result = capture([[0xFF, 0xFE, 0xFF, 0xFE]], limit: 3)
        #expect(result.text == "\u{FFFD}")
        #expect(result.text.utf8.count <= 3)
    }

    @Test("a four-byte character cut after one, two or three bytes is left out")
    func cutFourByteCharacter() {
        let rocket = Array("🚀".utf8)
        for kept in 1...3 {
            let result = capture([Array("ok".utf8) + rocket], limit: 2 + kept)
            #expect(result.text == "ok")
        }
        #expect(capture([Array("ok".utf8) + rocket + [0x21]], limit: 6).text == "ok🚀")
    }

    @Test("an invalid byte at the cut stays a U+FFFD when it fits")
    func invalidAtCut() {
        let result = capture([[0x61, 0x61, 0x61, 0xFF, 0x62]], limit: 4)
        #expect(result.text == "aaa")
        let roomy = capture([[0x61, 0xFF, 0x62, 0x62, 0x62]], limit: 4)
        #expect(roomy.text == "a\u{FFFD}")
    }
}
