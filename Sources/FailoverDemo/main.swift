// failoverd-demo (`make demo`): real Prometheus and Alertmanager, failoverd and the fake Linode and DigitalOcean on
// loopback; a fake primary goes down and comes back, and the demo prints what happens as it happens, then the
// incident's audit trail and where the time from "primary down" to "DNS switched" went. Everything it starts is
// stopped by PID at the end, also when it fails.
import Foundation

let outcome = await Demo.run(arguments: Array(CommandLine.arguments.dropFirst()))
exit(outcome)
