import FailoverCore
import Testing

@Suite("Reconcile plan")
struct DNSChangePlanTests {
    let zone = DNSZoneName("example.com")
    let app = DNSRecordName(relative: "app")

    func record(
        _ id: String, _ target: String, ttl: Int = 300, type: DNSRecordType = .a, name: String = "app"
    )
        -> DNSRecord
    {
        DNSRecord(id: id, name: DNSRecordName(relative: name), type: type, target: target, ttl: ttl)
    }

    func plan(
        _ current: [DNSRecord], _ targets: [String], ttl: Int = 300, type: DNSRecordType = .a,
        rules: DNSRecordRules = .digitalOcean
    ) throws -> DNSChangePlan {
        DNSChangePlan.reconcile(
            current: current, desired: try DNSDesiredState(targets: targets, ttl: ttl), name: app, type: type,
            zone: zone, rules: rules)
    }

    @Test func alreadyInStateIsANoOp() throws {
        let result = try plan([record("1", "192.0.2.1")], ["192.0.2.1"])
        #expect(result.isNoOp)
        #expect(result.description == "no change")
    }

    /// A provider that stores addresses canonically must not make every later run look like a change.
    @Test func addressesCompareAndAreWrittenCanonically() throws {
        #expect(try plan([record("1", "2001:db8::20", type: .aaaa)], ["2001:DB8:0:0::0020"], type: .aaaa).isNoOp)
        #expect(try plan([record("1", "2001:DB8:0::20", type: .aaaa)], ["2001:db8::20"], type: .aaaa).isNoOp)
        let created = try plan([], ["2001:DB8:0:0::0020"], type: .aaaa)
        guard case .create(_, _, let target, _) = created.operations.first else {
            Issue.record("expected a create, got \(created)")
            return
        }
        for rules in [DNSRecordRules.linode, .digitalOcean] {
            #expect(rules.targetForWrite(target, type: .aaaa, zone: zone) == "2001:db8::20")
            #expect(rules.targetForWrite("::FFFF:192.0.2.1", type: .aaaa, zone: zone) == "::ffff:192.0.2.1")
        }
    }

    @Test func differentTargetIsUpdatedInPlace() throws {
        let current = record("1", "192.0.2.1")
        let result = try plan([current], ["198.51.100.5"], ttl: 30)
        #expect(result.operations == [.update(current, target: "198.51.100.5", ttl: 30)])
    }

    @Test func ttlOnlyChangeIsAnUpdateKeepingTheTarget() throws {
        let current = record("1", "192.0.2.1", ttl: 3600)
        #expect(
            try plan([current], ["192.0.2.1"], ttl: 30).operations == [.update(current, target: "192.0.2.1", ttl: 30)])
    }

    @Test func missingRecordIsCreated() throws {
        #expect(try plan([], ["192.0.2.1"]).operations == [.create(name: app, type: .a, target: "192.0.2.1", ttl: 300)])
    }

    @Test func recordsOfOtherNamesAndTypesAreIgnored() throws {
        let others = [record("1", "192.0.2.1", name: "www"), record("2", "2001:db8::1", type: .aaaa)]
        #expect(
            try plan(others, ["192.0.2.9"]).operations == [.create(name: app, type: .a, target: "192.0.2.9", ttl: 300)])
    }

    @Test func extraRecordsAreDeletedLast() throws {
        let keep = record("1", "192.0.2.1")
        let extra = record("2", "192.0.2.2")
        let extra2 = record("3", "192.0.2.3")
        let result = try plan([extra2, keep, extra], ["192.0.2.1"])
        #expect(result.operations == [.delete(extra), .delete(extra2)])
    }

    @Test func duplicateTargetsKeepOneRecord() throws {
        let first = record("1", "192.0.2.1")
        let duplicate = record("2", "192.0.2.1")
        #expect(try plan([duplicate, first], ["192.0.2.1"]).operations == [.delete(duplicate)])
    }

    @Test func roundRobinReusesRecordsBeforeCreatingAndDeletesLast() throws {
        let keep = record("1", "192.0.2.1")
        let reuse = record("2", "192.0.2.2", ttl: 60)
        let result = try plan([keep, reuse], ["192.0.2.1", "198.51.100.7", "198.51.100.8"])
        #expect(
            result.operations == [
                .update(reuse, target: "198.51.100.7", ttl: 300),
                .create(name: app, type: .a, target: "198.51.100.8", ttl: 300),
            ])
    }

    @Test func shrinkingASetUpdatesThenDeletes() throws {
        let a = record("1", "192.0.2.1")
        let b = record("2", "192.0.2.2")
        let c = record("3", "192.0.2.3")
        let result = try plan([a, b, c], ["203.0.113.9"])
        #expect(result.operations == [.update(a, target: "203.0.113.9", ttl: 300), .delete(b), .delete(c)])
        let firstDelete = result.operations.firstIndex { $0.isDelete }!
        #expect(result.operations[firstDelete...].allSatisfy { $0.isDelete })
    }

    @Test func neverDeletesAndRecreatesTheSameRecord() throws {
        let current = [record("1", "192.0.2.1"), record("2", "192.0.2.2")]
        let result = try plan(current, ["192.0.2.3", "192.0.2.4"])
        #expect(result.operations.allSatisfy { !$0.isDelete })
        #expect(result.operations.count == 2)
    }

    @Test func linodeTTLComparesAfterRounding() throws {
        let stored = record("1", "192.0.2.1", ttl: 300)
        #expect(try plan([stored], ["192.0.2.1"], ttl: 200, rules: .linode).isNoOp)
        let result = try plan([stored], ["192.0.2.1"], ttl: 301, rules: .linode)
        #expect(result.operations == [.update(stored, target: "192.0.2.1", ttl: 3600)])
    }

    @Test func linodeZoneDefaultTTLIsZero() throws {
        #expect(try plan([record("1", "192.0.2.1", ttl: 0)], ["192.0.2.1"], ttl: 0, rules: .linode).isNoOp)
    }

    @Test func hostNameTargetsCompareWithoutDotAndCase() throws {
        let cname = record("1", "Target.Example.NET", type: .cname)
        #expect(try plan([cname], ["target.example.net."], type: .cname).isNoOp)
        let apexAlias = record("2", "@", type: .cname)
        #expect(try plan([apexAlias], ["example.com."], type: .cname).isNoOp)
    }

    @Test func textTargetsAreCaseSensitive() throws {
        let txt = record("1", "Token", type: .txt)
        #expect(try plan([txt], ["token"], type: .txt).operations == [.update(txt, target: "token", ttl: 300)])
    }

    @Test func isSatisfiedAgreesWithNoOp() throws {
        let desired = try DNSDesiredState(targets: ["192.0.2.1", "192.0.2.2"], ttl: 60)
        let good = [record("1", "192.0.2.2", ttl: 60), record("2", "192.0.2.1", ttl: 60)]
        #expect(
            DNSChangePlan.isSatisfied(by: good, desired: desired, name: app, type: .a, zone: zone, rules: .digitalOcean)
        )
        let extra = good + [record("3", "192.0.2.3", ttl: 60)]
        #expect(
            !DNSChangePlan.isSatisfied(
                by: extra, desired: desired, name: app, type: .a, zone: zone, rules: .digitalOcean))
    }

    @Test(arguments: [0, 1, 2, 3, 4])
    func everyPlanReachesTheDesiredStateWhenApplied(currentCount: Int) throws {
        let current = (0..<currentCount).map { record("\($0)", "192.0.2.\($0 + 1)", ttl: 60 * ($0 + 1)) }
        for desiredCount in 1...4 {
            let targets = (0..<desiredCount).map { "192.0.2.\($0 + 3)" }
            let desired = try DNSDesiredState(targets: targets, ttl: 120)
            let result = DNSChangePlan.reconcile(
                current: current, desired: desired, name: app, type: .a, zone: zone, rules: .digitalOcean)
            var applied = current
            var nextID = 100
            for operation in result.operations {
                switch operation {
                case .update(let record, let target, let ttl):
                    let index = applied.firstIndex { $0.id == record.id }!
                    applied[index].target = target
                    applied[index].ttl = ttl
                case .create(let name, let type, let target, let ttl):
                    applied.append(DNSRecord(id: "\(nextID)", name: name, type: type, target: target, ttl: ttl))
                    nextID += 1
                case .delete(let record):
                    applied.removeAll { $0.id == record.id }
                }
            }
            #expect(
                DNSChangePlan.isSatisfied(
                    by: applied, desired: desired, name: app, type: .a, zone: zone, rules: .digitalOcean))
            let creates = result.operations.filter { if case .create = $0 { true } else { false } }.count
            #expect(creates == max(0, desiredCount - currentCount))
        }
    }
}
