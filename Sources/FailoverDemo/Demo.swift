import FailoverTestSupport
import Foundation
import Logging

/// The demo's script: start the world, take the primary down, wait for the failover, bring it back, wait for the
/// failback, print the story and the timing.
enum Demo {
    static let runbook = RegionalFailoverRunbook.name

    /// Runs the demo; returns the process's exit status.
    static func run(arguments: [String]) async -> Int32 {
        let pause = arguments.contains("--pause")
        let world: DemoWorld
        do {
            world = try DemoWorld()
        } catch {
            print("cannot prepare the demo: \(error)")
            return 1
        }
        defer { world.directory.remove() }
        var status: Int32 = 0
        do {
            try await world.start()
            try await story(world, pauseAtEnd: pause)
        } catch {
            print("\n✗ the demo failed: \(error)\n\(world.logTails())")
            status = 1
        }
        await world.stop()
        print("\nstopped Prometheus, Alertmanager, failoverd, the fake providers and the targets (by PID)")
        return status
    }

    private static func story(_ world: DemoWorld, pauseAtEnd: Bool) async throws {
        let narrator = DemoNarrator(world: world)
        print(
            """
            failoverd demo: everything below runs on 127.0.0.1 and stops at the end.
              primary app      \(world.primary.url)  (Prometheus job app_primary, region us-east)
              secondary app    \(world.secondary.url)  (checked by the runbook before any DNS change)
              fake Linode      example.com  app A 192.0.2.1     fake DigitalOcean  example.org  app A 192.0.2.2
              failoverd        http://127.0.0.1:\(world.failoverdPort)/  status page and API, open while the demo runs
              Alertmanager     http://127.0.0.1:\(world.alertmanagerPort)/   Prometheus  http://127.0.0.1:\(world.prometheusPort)/
              rule: PrimaryRegionUnhealthy = max by (region) (up{job="app_primary"}) == 0, for 2s; scrape every 1s
              working directory \(world.directory.path) (removed at the end)

            """)
        try await narrator.follow(until: "Prometheus has scraped the healthy primary", within: .seconds(60)) {
            world.primary.requestCount("/metrics") >= 2
        }
        let down = Date()
        await world.primary.stop()
        narrator.say("✗ the primary is down (its HTTP server stopped)", at: down)
        try await narrator.follow(until: "the failover ended", within: .seconds(90)) {
            try await narrator.executionEnded(kind: "failover")
        }
        narrator.printDNS()
        let up = Date()
        try world.primary.start()
        narrator.say("✓ the primary is back", at: up)
        try await narrator.follow(until: "the failback ended", within: .seconds(90)) {
            try await narrator.executionEnded(kind: "failback")
        }
        narrator.printDNS()
        try await narrator.printStory()
        try await narrator.printTiming(primaryDown: down)
        if pauseAtEnd {
            print("\nthe status page stays at http://127.0.0.1:\(world.failoverdPort)/ — press Enter to stop")
            _ = readLine()
        }
    }
}
