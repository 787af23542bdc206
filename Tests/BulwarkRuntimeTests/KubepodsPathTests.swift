import BulwarkRuntime
import Testing

@Suite struct KubepodsPathTests {
    @Test func systemdDriverContainerd() {
        let id = String(repeating: "ab", count: 32)
        let path = KubepodsPath(path: "/sys/fs/cgroup/kubepods.slice/kubepods-burstable.slice/"
            + "kubepods-burstable-pod6f1c2d3e_4a5b_6c7d_8e9f_0a1b2c3d4e5f.slice/cri-containerd-\(id).scope")
        #expect(path.podUID == "6f1c2d3e-4a5b-6c7d-8e9f-0a1b2c3d4e5f")
        #expect(path.containerID == id)
        #expect(path.runtime == "containerd")
    }

    @Test func cgroupfsDriver() {
        let id = String(repeating: "0f", count: 32)
        let path = KubepodsPath(path: "/kubepods/besteffort/pod6f1c2d3e-4a5b-6c7d-8e9f-0a1b2c3d4e5f/\(id)")
        #expect(path.podUID == "6f1c2d3e-4a5b-6c7d-8e9f-0a1b2c3d4e5f")
        #expect(path.containerID == id)
    }

    @Test func notKubepods() {
        let path = KubepodsPath(path: "/sys/fs/cgroup/unified/bulwark-run-42")
        #expect(path.podUID == nil && path.containerID == nil)
    }
}
