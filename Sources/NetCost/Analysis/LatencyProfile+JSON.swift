import Foundation

/// The device profile's file format, written by `netcost calibrate` and read by
/// `netcost predict --profile` (docs/latency.md):
///
///     {"netcost_profile": 1, "machine": "...", "kernels": "avx512", "peak_gflops": x,
///      "bandwidth_gbps": y, "created": "...", "last_level_cache_bytes": n,
///      "calibrations": [{"threads": 2, "per_layer_overhead": s, "floor_seconds": s, "peak_gflops": x, "sentinel_seconds": s,
///        "samples": [{"class": "conv1x1", "flops": n, "bytes": n, "in": c, "out": c,
///                     "positions": n, "kernel_area": n, "stride": n, "weight_bytes": n,
///                     "epilogue": "relu6", "op": "conv2d", "seconds": s, "warm_seconds": s}, ...],
///        "epilogue_seconds_per_element": {"swish": s, ...}}]}
extension LatencyProfile {
    public static let formatVersion = 1

    public var json: JSONValue {
        .object(JSONObject([
            ("netcost_profile", .integer(Self.formatVersion)), ("machine", .string(machine)), ("kernels", .string(kernels)),
            ("peak_gflops", .number(peakGFLOPS)), ("bandwidth_gbps", .number(bandwidthGBps)), ("created", .string(created)),
            ("last_level_cache_bytes", .integer(lastLevelCacheBytes)),
            ("calibrations", .array(calibrations.map { calibration in
                .object(JSONObject([
                    ("threads", .integer(calibration.threads)), ("per_layer_overhead", .number(calibration.perLayerOverhead)),
                    ("floor_seconds", .number(calibration.floorSeconds)), ("peak_gflops", .number(calibration.peakGFLOPS)),
                ] + (calibration.sentinelSeconds.map { [("sentinel_seconds", .number($0))] } ?? []) + [
                    ("epilogue_seconds_per_element", .object(JSONObject(calibration.epilogueSeconds.sorted { $0.key < $1.key }.map { ($0.key, .number($0.value)) }))),
                    ("samples", .array(calibration.samples.map { sample in
                        let f = sample.features
                        return .object(JSONObject([
                            ("class", .string(f.latencyClass.rawValue)), ("flops", .integer(f.flops)), ("bytes", .integer(f.bytes)),
                            ("in", .integer(f.inputChannels)), ("out", .integer(f.outputChannels)), ("positions", .integer(f.positions)),
                            ("kernel_area", .integer(f.kernelArea)), ("stride", .integer(f.stride)),
                            ("weight_bytes", .integer(f.weightBytes)), ("epilogue", .string(f.epilogue)), ("op", .string(f.op)), ("seconds", .number(sample.seconds)),
                        ] + (sample.warmSeconds.map { [("warm_seconds", .number($0))] } ?? [])))
                    })),
                ]))
            })),
        ]))
    }

    /// Reads a profile file; errors name the file and the field.
    public static func load(file path: String) throws(InputError) -> LatencyProfile {
        try parse(try InputFile.read(path, kind: "a device profile written by `netcost calibrate`"), file: path)
    }

    public static func parse(_ bytes: [UInt8], file: String) throws(InputError) -> LatencyProfile {
        let value: JSONValue
        do {
            value = try JSONParser.parse(bytes)
        } catch {
            throw InputError("malformed JSON at column \(error.column): \(error.message)", file: file, line: error.line)
        }
        guard case .object(let top) = value, case .integer(let version)? = top["netcost_profile"] else {
            throw InputError("not a device profile: expected an object with \"netcost_profile\": \(formatVersion) (write one with netcost calibrate)", file: file)
        }
        guard version == formatVersion else {
            throw InputError("profile format \(version); this netcost reads format \(formatVersion): calibrate again", file: file, field: "netcost_profile")
        }
        let reader = FieldReader(file: file)
        guard case .array(let entries)? = top["calibrations"], !entries.isEmpty else {
            throw InputError("expected a non-empty array", file: file, line: top.line, field: "calibrations")
        }
        var calibrations: [LatencyCalibration] = []
        for (index, entry) in entries.enumerated() {
            let field = "calibrations[\(index)]"
            guard case .object(let object) = entry, case .array(let sampleEntries)? = object["samples"] else {
                throw InputError("expected an object with \"samples\"", file: file, field: field)
            }
            var samples: [LatencySample] = []
            for (offset, sampleEntry) in sampleEntries.enumerated() {
                let sampleField = "\(field).samples[\(offset)]"
                guard case .object(let sample) = sampleEntry, case .string(let name)? = sample["class"],
                      let latencyClass = LatencyClass(rawValue: name) else {
                    throw InputError("expected an object whose \"class\" is one of \(LatencyClass.allCases.map(\.rawValue).joined(separator: ", "))",
                                     file: file, field: sampleField)
                }
                let features = LatencyFeatures(
                    latencyClass: latencyClass, flops: try reader.count(sample, "flops", sampleField), bytes: try reader.count(sample, "bytes", sampleField),
                    inputChannels: try reader.count(sample, "in", sampleField), outputChannels: try reader.count(sample, "out", sampleField),
                    positions: try reader.count(sample, "positions", sampleField), kernelArea: try reader.count(sample, "kernel_area", sampleField),
                    stride: try reader.count(sample, "stride", sampleField), weightBytes: try reader.count(sample, "weight_bytes", sampleField),
                    epilogue: try reader.text(sample, "epilogue", sampleField),
                    // Profiles written before samples kept their op have none: matched by class alone.
                    op: sample["op"] == nil ? "" : try reader.text(sample, "op", sampleField))
                // Profiles written before 2026-12-04 night have no warm times: nothing counts as cached.
                samples.append(LatencySample(features: features, seconds: try reader.seconds(sample, "seconds", sampleField),
                                             warmSeconds: sample["warm_seconds"] == nil ? nil : try reader.seconds(sample, "warm_seconds", sampleField)))
            }
            let threads = try reader.count(object, "threads", field)
            guard threads >= 1 else { throw InputError("must be at least 1", file: file, field: field + ".threads") }
            var epilogues: [String: Double] = [:]
            if case .object(let perElement)? = object["epilogue_seconds_per_element"] {
                for (name, _) in perElement.entries {
                    epilogues[name] = try reader.seconds(perElement, name, field + ".epilogue_seconds_per_element")
                }
            }
            // Profiles from before 2026-12-04 noon also hold a "network_factor", and from that
            // evening a "cached_weight_seconds_per_byte", neither applied any more (docs/latency.md).
            calibrations.append(LatencyCalibration(threads: threads, perLayerOverhead: try reader.seconds(object, "per_layer_overhead", field),
                                                   floorSeconds: try reader.seconds(object, "floor_seconds", field),
                                                   epilogueSeconds: epilogues,
                                                   peakGFLOPS: try reader.positive(object, "peak_gflops", field),
                                                   sentinelSeconds: object["sentinel_seconds"] == nil ? nil : try reader.seconds(object, "sentinel_seconds", field),
                                                   samples: samples))
        }
        func text(_ key: String) -> String { if case .string(let value)? = top[key] { value } else { "" } }
        return LatencyProfile(machine: text("machine"), kernels: text("kernels"),
                              peakGFLOPS: try reader.positive(top, "peak_gflops", ""), bandwidthGBps: try reader.positive(top, "bandwidth_gbps", ""),
                              created: text("created"),
                              lastLevelCacheBytes: top["last_level_cache_bytes"] == nil ? 0 : try reader.count(top, "last_level_cache_bytes", ""),
                              calibrations: calibrations)
    }

    /// Reads numbers out of a profile's objects, with errors that name the field.
    private struct FieldReader {
        let file: String

        func number(_ object: JSONObject, _ key: String, _ parent: String) throws(InputError) -> Double {
            let field = parent.isEmpty ? key : parent + "." + key
            switch object[key] {
            case .integer(let value)?: return Double(value)
            case .number(let value)? where value.isFinite: return value
            case nil: throw InputError("missing", file: file, line: object.line, field: field)
            case let other?: throw InputError("expected a number, got \(other.typeDescription)", file: file, line: object.line(of: key), field: field)
            }
        }

        func count(_ object: JSONObject, _ key: String, _ parent: String) throws(InputError) -> Int {
            let field = parent.isEmpty ? key : parent + "." + key
            guard case .integer(let value)? = object[key], value >= 0 else {
                throw InputError("expected a non-negative integer", file: file, line: object.line, field: field)
            }
            return value
        }

        func text(_ object: JSONObject, _ key: String, _ parent: String) throws(InputError) -> String {
            guard case .string(let value)? = object[key] else {
                throw InputError("expected a string", file: file, line: object.line, field: parent + "." + key)
            }
            return value
        }

        func seconds(_ object: JSONObject, _ key: String, _ parent: String) throws(InputError) -> Double {
            let value = try number(object, key, parent)
            guard value >= 0, value < 1e6 else {
                throw InputError("expected seconds between 0 and 10⁶", file: file, line: object.line(of: key), field: parent.isEmpty ? key : parent + "." + key)
            }
            return value
        }

        func positive(_ object: JSONObject, _ key: String, _ parent: String) throws(InputError) -> Double {
            let value = try number(object, key, parent)
            guard value > 0, value < 1e12 else {
                throw InputError("expected a positive number", file: file, line: object.line(of: key), field: parent.isEmpty ? key : parent + "." + key)
            }
            return value
        }
    }
}
