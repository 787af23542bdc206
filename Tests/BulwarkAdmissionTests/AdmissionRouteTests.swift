import BulwarkAdmission
import Testing

@Suite struct AdmissionRouteTests {
    @Test func pathsRoundTrip() {
        for path in ["/validate", "/validate/enforce", "/validate/warn/baseline", "/validate/audit/restricted", "/mutate"] {
            #expect(AdmissionRoute(path: path)?.path == path)
        }
        #expect(AdmissionRoute(path: "/validate/enforce/restricted?timeout=2s") == AdmissionRoute(operation: .validate, mode: .enforce, level: .restricted))
    }

    @Test func unknownPathsAreRefused() {
        for path in ["/", "/validat", "/validate/deny", "/validate/enforce/privileged", "/mutate/enforce", "/validate/a/b/c", "metrics"] {
            #expect(AdmissionRoute(path: path) == nil, "\(path)")
        }
    }
}
