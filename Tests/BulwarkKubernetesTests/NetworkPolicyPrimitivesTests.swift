import BulwarkKubernetes
import Testing

@Suite struct NetworkPolicyPrimitivesTests {
    @Test(arguments: [
        ("10.20.30.7", "10.20.30.7"), ("0.0.0.0", "0.0.0.0"), ("255.255.255.255", "255.255.255.255"),
        ("2001:db8::1", "2001:db8::1"), ("2001:DB8:0:0:0:0:0:1", "2001:db8::1"), ("::", "::"), ("::1", "::1"),
        ("fe80::1:0:0:1", "fe80::1:0:0:1"), ("2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"), ("::ffff:192.0.2.1", "::ffff:c000:201"),
    ])
    func addressesParseAndPrint(_ text: String, _ canonical: String) throws {
        #expect(try #require(IPAddress(text)).description == canonical)
    }

    @Test(arguments: ["", "1.2.3", "1.2.3.4.5", "256.1.1.1", "01.2.3.4", "1.2.3.-4", ":::", "1::2::3", "12345::", "1:2:3:4:5:6:7:8:9", "g::1", "10.0.0.0/8"])
    func invalidAddressesAreRejected(_ text: String) {
        #expect(IPAddress(text) == nil)
    }

    @Test func cidrContainment() throws {
        let block = try #require(CIDR("10.0.0.0/8"))
        #expect(block.contains(try #require(IPAddress("10.255.0.1"))))
        #expect(!block.contains(try #require(IPAddress("11.0.0.1"))))
        #expect(block.contains(try #require(CIDR("10.20.0.0/16"))))
        #expect(!block.contains(try #require(CIDR("0.0.0.0/0"))))
        #expect(try #require(CIDR("0.0.0.0/0")).contains(try #require(IPAddress("169.254.169.254"))))
        #expect(!(try #require(CIDR("::/0"))).contains(try #require(IPAddress("1.2.3.4"))))
        #expect(try #require(CIDR("2001:db8::/32")).contains(try #require(IPAddress("2001:db8:ffff::1"))))
        #expect(!(try #require(CIDR("2001:db8::/32"))).contains(try #require(IPAddress("2001:db9::1"))))
        #expect(try #require(CIDR("10.1.2.3/8")).description == "10.0.0.0/8")
        #expect(try #require(CIDR("192.0.2.7")).description == "192.0.2.7/32")
        #expect(try #require(CIDR("2001:db8::/127")).lastAddress.description == "2001:db8::1")
        #expect(CIDR("10.0.0.0/33") == nil && CIDR("10.0.0.0/") == nil && CIDR("::/129") == nil)
    }

    @Test func representativeAvoidsExcept() throws {
        let block = try #require(CIDR("10.20.30.0/24"))
        #expect(block.representative()?.description == "10.20.30.1")
        #expect(block.representative(excluding: [try #require(CIDR("10.20.30.0/25"))])?.description == "10.20.30.128")
        #expect(block.representative(excluding: [block]) == nil)
    }

    @Test func portSetAlgebra() {
        var ports = PortSet(.tcp, 8000...8010)
        ports.formUnion(PortSet(.tcp, 8011...8020))
        ports.formUnion(PortSet(.udp, 53...53))
        #expect(ports.description == "TCP 8000-8020, UDP 53")
        #expect(ports.contains(.tcp, 8015) && !ports.contains(.tcp, 8021) && !ports.contains(.sctp, 53))
        #expect(ports.intersection(PortSet(.tcp, 8010...9000)).description == "TCP 8010-8020")
        #expect(PortSet.all.subtracting(PortSet(.tcp, 1...65535)).subtracting(.all(.sctp)).description == "all UDP ports")
        #expect(PortSet(.tcp, 1...100).subtracting(PortSet(.tcp, 50...50)).entries == ["TCP/1-49", "TCP/51-100"])
        #expect(PortSet.all.description == "all ports" && PortSet.none.description == "none" && PortSet.all.entries == ["*"])
    }

    @Test func endpointsFromWorkloads() throws {
        let network = TruthTableCluster.network("")
        let api = try network.endpoint(named: "prod/api")
        #expect(api.kind == .workload && api.namespace == "prod")
        #expect(api.resolve(portName: "metrics", proto: .tcp) == 9090)
        #expect(api.resolve(portName: "metrics", proto: .udp) == nil)
        #expect(try network.endpoint(named: "dns").id == "kube-system/kube-dns")
        #expect(try network.endpoint(named: "169.254.169.254").kind == .metadata)
        #expect(try network.endpoint(named: "gateway:").labels.isEmpty)
        #expect(try network.endpoint(named: "gateway:a=b,c=d").labels == ["a": "b", "c": "d"])
        #expect(network.matrix().entries.count > 0)
    }

    @Test func inputDNSWorkloadReplacesTheModelledOne() throws {
        let network = TruthTableCluster.network("""
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: coredns, namespace: kube-system}
        spec:
          template:
            metadata: {labels: {k8s-app: kube-dns}}
            spec:
              containers: [{name: coredns, image: coredns/coredns:1.11.3, ports: [{name: dns, containerPort: 53, protocol: UDP}]}]
        """)
        #expect(try network.endpoint(named: "dns").id == "kube-system/coredns")
        #expect(network.dns?.kind == .dns)
    }

    @Test func multiRoleObjectsGetDistinctIds() throws {
        let network = TruthTableCluster.network("""
        apiVersion: ray.io/v1
        kind: RayCluster
        metadata: {name: llm, namespace: prod}
        spec:
          headGroupSpec:
            template:
              spec:
                containers: [{name: head, image: rayproject/ray:2.40.0}]
          workerGroupSpecs:
            - groupName: gpu
              template:
                spec:
                  containers: [{name: worker, image: rayproject/ray:2.40.0}]
        """)
        let ids = network.workloads.map(\.endpoint.id).filter { $0.hasPrefix("prod/llm") }
        #expect(ids.count == 2 && Set(ids).count == 2, "\(ids)")
        #expect(try network.endpoint(named: "prod/llm").id == ids.first)
    }
}
