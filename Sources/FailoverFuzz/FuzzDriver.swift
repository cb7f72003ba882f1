import FailoverFuzzTargets
import Foundation

/// `failoverd-fuzz TARGET [libFuzzer options] [CORPUS…]`: one binary for every fuzz target.
///
/// Built by `make fuzz` with AddressSanitizer and SanitizerCoverage and linked with libFuzzer as a library
/// (`-DFUZZING`): it hands the arguments after the target's name to libFuzzer's driver. Built normally (as
/// `swift build` does), it replays the given files and folders through the target instead, which is how a crasher
/// is looked at under a debugger.
@main
struct FuzzDriver {
    static func main() {
        let arguments = CommandLine.arguments
        guard arguments.count >= 2, let target = FuzzTarget.named(arguments[1]) else {
            let names = FuzzTarget.all.map { "  \($0.name): \($0.summary)" }.joined(separator: "\n")
            FileHandle.standardError.write(Data("usage: failoverd-fuzz TARGET [options] [CORPUS…]\n\(names)\n".utf8))
            exit(2)
        }
        FuzzDriver.target = target
        #if FUZZING
            exit(runLibFuzzer(dropping: 1))
        #else
            exit(replay(Array(arguments.dropFirst(2)), through: target))
        #endif
    }

    /// The target libFuzzer's callback feeds (set once, before libFuzzer starts).
    nonisolated(unsafe) static var target: FuzzTarget?

    /// Runs every file (and every file in every folder) through `target`; 1 when one broke a property.
    static func replay(_ paths: [String], through target: FuzzTarget) -> Int32 {
        var files: [String] = []
        for path in paths {
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else { continue }
            if isFolder.boolValue {
                let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
                files += names.sorted().map { path + "/" + $0 }
            } else {
                files.append(path)
            }
        }
        var findings = 0
        for file in files {
            guard let data = FileManager.default.contents(atPath: file) else { continue }
            do {
                try target.run(Array(data))
            } catch {
                print("\(file): \(error)")
                findings += 1
            }
        }
        print("\(target.name): \(files.count) inputs replayed, \(findings) findings")
        return findings == 0 ? 0 : 1
    }
}

#if FUZZING
    @_silgen_name("LLVMFuzzerRunDriver")
    private func runLibFuzzerDriver(
        _ argc: UnsafeMutablePointer<CInt>,
        _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
        _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
    ) -> CInt

    /// Hands the command line, without the target's name, to libFuzzer; a broken property aborts, which libFuzzer
    /// reports as a crash and saves as `crash-…`.
    private func runLibFuzzer(dropping targetArgument: Int) -> Int32 {
        var arguments = CommandLine.arguments
        arguments.remove(at: targetArgument)
        var argc = CInt(arguments.count)
        var pointers: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        return pointers.withUnsafeMutableBufferPointer { buffer in
            var argv = buffer.baseAddress!
            return runLibFuzzerDriver(&argc, &argv) { data, size in
                let input = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
                do {
                    try FuzzDriver.target?.run(input)
                } catch {
                    fatalError("\(error)")
                }
                return 0
            }
        }
    }
#endif
