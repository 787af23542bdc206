import BulwarkCore
import BulwarkDockerfile
import Testing

/// The dated end-of-life table and the variant knowledge behind the base-image rules. Every
/// test names the day it judges at, so the results do not change with the calendar.
@Suite struct DockerfileRuleBaseImageTests {
    static func day(_ text: String) -> CalendarDate {
        CalendarDate(text) ?? CalendarDate(daysSinceEpoch: 0)
    }

    /// A day after the table was checked (2026-11-27).
    static let pinned = day("2026-12-01")

    @Test("end-of-life releases on 2026-12-01", arguments: [
        ("python:3.9", ["Python 3.9"]),
        ("python:3.10.14-slim-bookworm", ["Python 3.10", "Debian 12 (bookworm)"]),
        ("python:2.7", ["Python 2.7"]),
        ("python:3.11-slim", []),
        ("python:3.12-slim-trixie", []),
        ("python:3", []),
        ("docker.io/library/python:3.8-alpine3.18", ["Python 3.8", "Alpine 3.18"]),
        ("public.ecr.aws/docker/library/python:3.7", ["Python 3.7"]),
        ("node:18-bullseye-slim", ["Node.js 18", "Debian 11 (bullseye)"]),
        ("node:hydrogen", ["Node.js 18"]),
        ("node:22-slim", []),
        ("node:23", ["Node.js 23"]),
        ("golang:1.22-alpine", ["Go 1.22"]),
        ("golang:1.25", []),
        ("ruby:3.1", ["Ruby 3.1"]),
        ("debian:buster-slim", ["Debian 10 (buster)"]),
        ("debian:10", ["Debian 10 (buster)"]),
        ("debian:trixie", []),
        ("ubuntu:20.04", ["Ubuntu 20.04 (focal)"]),
        ("ubuntu:bionic", ["Ubuntu 18.04 (bionic)"]),
        ("ubuntu:24.04", []),
        ("alpine:3.19", ["Alpine 3.19"]),
        ("alpine:3.21", ["Alpine 3.21"]),
        ("alpine:3.22", []),
        ("centos:7", ["CentOS Linux 7"]),
        ("quay.io/centos/centos:stream8", ["CentOS Stream 8"]),
        ("quay.io/centos/centos:stream9", []),
        ("amazonlinux:2018.03", ["Amazon Linux 1"]),
        ("nvidia/cuda:11.8.0-cudnn8-runtime-ubuntu20.04", ["Ubuntu 20.04 (focal)"]),
        ("nvidia/cuda:11.4.3-base-centos7", ["CentOS 7"]),
        ("tiangolo/uvicorn-gunicorn-fastapi:python3.9", ["Python 3.9"]),
        ("eclipse-temurin:17-jre-focal", ["Ubuntu 20.04 (focal)"]),
        ("registry.example.com/team/python:3.9", []),
        ("mcr.microsoft.com/devcontainers/python:1-3.12-bookworm", ["Debian 12 (bookworm)"]),
    ])
    func lifecycle(_ image: String, _ releases: [String]) throws {
        let reference = try #require(ImageReference(image))
        #expect(BaseImageCatalog.lifecycle(of: reference, on: Self.pinned).map(\.release) == releases)
    }

    @Test func longTermSupportOnlyIsMarked() throws {
        let reference = try #require(ImageReference("debian:bookworm"))
        let bookworm = try #require(BaseImageCatalog.lifecycle(of: reference, on: Self.pinned).first)
        #expect(bookworm.status == .longTermSupportOnly)
        #expect(bookworm.description == "Debian 12 (bookworm) (long-term support only since 2026-06-10, end of life 2028-06-30)")
        #expect(bookworm.sentence == "Debian 12 (bookworm) has had long-term support only since 2026-06-10")
    }

    struct DateCase: Sendable, CustomTestStringConvertible {
        let image: String
        let date: String
        /// The descriptions of the releases past support on `date`.
        let expected: [String]
        var testDescription: String { "\(image) on \(date)" }
    }

    /// A release is end of life when its date is on or before the evaluation date; a date given
    /// as a month counts from the first day of the month.
    @Test("end of life is on or before the evaluation date", arguments: [
        DateCase(image: "debian:bookworm", date: "2026-06-09", expected: []),
        DateCase(image: "debian:bookworm", date: "2026-06-10", expected: ["Debian 12 (bookworm) (long-term support only since 2026-06-10, end of life 2028-06-30)"]),
        DateCase(image: "debian:bookworm", date: "2028-06-30", expected: ["Debian 12 (bookworm) (end of life since 2028-06-30)"]),
        DateCase(image: "debian:trixie", date: "2028-08-08", expected: []),
        DateCase(image: "debian:trixie", date: "2028-08-09", expected: ["Debian 13 (trixie) (long-term support only since 2028-08-09, end of life 2030-06-30)"]),
        DateCase(image: "python:3.10", date: "2026-09-30", expected: []),
        DateCase(image: "python:3.10", date: "2026-10-01", expected: ["Python 3.10 (end of life since 2026-10)"]),
        DateCase(image: "python:3.11-slim-trixie", date: "2027-09-30", expected: []),
        DateCase(image: "python:3.11-slim-trixie", date: "2027-10-01", expected: ["Python 3.11 (end of life since 2027-10)"]),
        DateCase(image: "python:3.12-slim-trixie", date: "2028-10-01",
                 expected: ["Python 3.12 (end of life since 2028-10)", "Debian 13 (trixie) (long-term support only since 2028-08-09, end of life 2030-06-30)"]),
        DateCase(image: "node:22-slim", date: "2027-04-29", expected: []),
        DateCase(image: "node:22-slim", date: "2027-04-30", expected: ["Node.js 22 (end of life since 2027-04-30)"]),
        DateCase(image: "alpine:3.22", date: "2027-05-01", expected: ["Alpine 3.22 (end of life since 2027-05-01)"]),
        DateCase(image: "python:3.4", date: "2026-12-01", expected: ["Python 3.4 (end of life since 2019-03-18)"]),
        DateCase(image: "node:8", date: "2026-12-01", expected: ["Node.js 8 (end of life since 2019-12-31 or earlier)"]),
        // Judged at a past day, a release that had not ended then is not reported.
        DateCase(image: "python:3.9", date: "2025-09-30", expected: []),
    ])
    func endOfLifeDates(_ testCase: DateCase) throws {
        let reference = try #require(ImageReference(testCase.image))
        let date = try #require(CalendarDate(testCase.date))
        #expect(BaseImageCatalog.lifecycle(of: reference, on: date).map(\.description) == testCase.expected)
    }

    @Test func everyScheduleDateParsesAndEndsAfterRegularSupport() {
        for schedule in BaseImageCatalog.allSchedules {
            #expect(schedule.endOfLife.start.year > 1970, "\(schedule.release)")
            if let regular = schedule.regularSupportEnds {
                #expect(regular.start.year > 1970 && regular.start < schedule.endOfLife.start, "\(schedule.release)")
            }
        }
        #expect(BaseImageCatalog.checkedOn.description == "2026-11-27")
    }

    @Test("hardening targets", arguments: [
        ("2026-12-01", "3.12", "trixie"),
        ("2027-10-01", "3.12", "trixie"),
        // Less than a year of support left: the next line, the next release when one is known.
        ("2027-10-02", "3.13", "trixie"),
        ("2028-09-01", "3.13", "trixie"),
        ("2031-01-01", "3.14", "trixie"),
    ])
    func hardeningTargets(_ date: String, _ python: String, _ debian: String) throws {
        let day = try #require(CalendarDate(date))
        #expect(BaseImageCatalog.pythonHardeningTarget(on: day) == python)
        #expect(BaseImageCatalog.debianHardeningTarget(on: day) == debian)
    }

    @Test func aTargetIsNeverWhatTheRuleReports() throws {
        var day = Self.pinned
        while day < Self.day("2028-06-01") {
            let image = "python:\(BaseImageCatalog.pythonHardeningTarget(on: day))-slim-\(BaseImageCatalog.debianHardeningTarget(on: day))"
            #expect(BaseImageCatalog.lifecycle(of: try #require(ImageReference(image)), on: day).isEmpty, "\(image) on \(day)")
            day = day.adding(days: 7)
        }
    }

    @Test("staleness warning", arguments: [
        ("2026-11-27", nil),
        ("2027-05-26", nil),
        ("2027-05-27", "the base-image end-of-life table was checked on 2026-11-27, 181 days before 2027-05-27; update Bulwark"),
        ("2027-06-15", "the base-image end-of-life table was checked on 2026-11-27, 200 days before 2027-06-15; update Bulwark"),
        ("2020-01-01", nil),
    ] as [(String, String?)])
    func staleness(_ date: String, _ warning: String?) throws {
        let day = try #require(CalendarDate(date))
        #expect(BaseImageCatalog.staleness(on: day)?.description == warning)
    }

    @Test func calendarDates() throws {
        #expect(CalendarDate("2026-02-29") == nil)
        #expect(CalendarDate("2028-02-29")?.description == "2028-02-29")
        #expect(CalendarDate("2026-1-01") == nil)
        #expect(CalendarDate("2026-13-01") == nil)
        let day = try #require(CalendarDate("2026-11-27"))
        #expect(CalendarDate(daysSinceEpoch: day.daysSinceEpoch) == day)
        #expect(day.days(until: try #require(CalendarDate("2027-06-15"))) == 200)
        #expect(day.adding(days: 35).description == "2027-01-01")
        #expect(CalendarDate(daysSinceEpoch: 0).description == "1970-01-01")
        #expect(try #require(CalendarDate("2000-03-01")).daysSinceEpoch == 11_017)
    }

    @Test func ruleMessageNamesTheDateTheReleaseEnded() throws {
        let dockerfile = DockerfileParser.parse(text: "FROM python:3.10-slim-bookworm\n", file: "Dockerfile")
        let analysis = DockerfileAnalysis(dockerfile, evaluationDate: Self.pinned)
        let findings = DockerfileScanner(rules: [DockerfileRules.all.first { $0.id == "dockerfile/base-image-eol" }].compactMap { $0 }).scan(analysis)
        #expect(findings.map(\.message) == [
            "stage 0 (python:3.10-slim-bookworm) is built on python:3.10-slim-bookworm: Python 3.10 (end of life since 2026-10) and Debian 12 (bookworm) (long-term support only since 2026-06-10, end of life 2028-06-30)",
        ])
        // The same file judged a year before has nothing to report.
        let earlier = DockerfileAnalysis(dockerfile, evaluationDate: Self.day("2025-12-01"))
        #expect(DockerfileScanner(rules: DockerfileRules.all).scan(earlier).filter { $0.ruleId == "dockerfile/base-image-eol" }.isEmpty)
    }

    @Test("leaner variants", arguments: [
        ("python:3.12", "python:3.12-slim"),
        ("python:3.12-bookworm", "python:3.12-slim-bookworm"),
        ("python", "python:slim"),
        ("node:22", "node:22-slim"),
        ("debian:trixie", "debian:trixie-slim"),
        ("eclipse-temurin:21", "eclipse-temurin:21-jre"),
        ("eclipse-temurin:21-jdk-noble", "eclipse-temurin:21-jre-noble"),
        ("pytorch/pytorch:2.4.1-cuda12.4-cudnn9-devel", "pytorch/pytorch:2.4.1-cuda12.4-cudnn9-runtime"),
        ("nvidia/cuda:12.4.1-cudnn-devel-ubuntu22.04", "nvidia/cuda:12.4.1-cudnn-runtime-ubuntu22.04"),
    ])
    func leanerVariant(_ image: String, _ suggestion: String) throws {
        #expect(BaseImageCatalog.leanerVariant(of: try #require(ImageReference(image)))?.suggestion == suggestion)
    }

    @Test("already lean", arguments: ["python:3.12-slim", "python:3.12-alpine", "node:22-alpine3.22", "eclipse-temurin:21-jre",
                                     "nvidia/cuda:12.4.1-runtime-ubuntu22.04", "gcr.io/distroless/python3-debian12", "ubuntu:24.04"])
    func alreadyLean(_ image: String) throws {
        #expect(BaseImageCatalog.leanerVariant(of: try #require(ImageReference(image))) == nil)
    }

    @Test func shellLessAndNonRootImages() throws {
        #expect(BaseImageCatalog.hasNoShell(try #require(ImageReference("scratch"))))
        #expect(BaseImageCatalog.hasNoShell(try #require(ImageReference("gcr.io/distroless/static-debian12:nonroot"))))
        #expect(!BaseImageCatalog.hasNoShell(try #require(ImageReference("gcr.io/distroless/python3-debian12"))))
        #expect(BaseImageCatalog.runsAsNonRootByDefault(try #require(ImageReference("gcr.io/distroless/base-debian12:debug-nonroot"))))
        #expect(!BaseImageCatalog.runsAsNonRootByDefault(try #require(ImageReference("python:3.12-slim"))))
        #expect(BaseImageCatalog.isTorchServe(try #require(ImageReference("pytorch/torchserve-kfs:0.12.0"))))
    }
}
