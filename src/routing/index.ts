/**
 * Routing stage: how a request travels from the PoP that received it to the PoP nearest the
 * origin. A mesh of PoPs has backbone links with measured (simulated: propagation from
 * `LatencyModel` times seeded, time-varying congestion) delays; like Cloudflare's Argo Smart
 * Routing, the router takes the fastest measured backbone path (Dijkstra) unless the plain
 * Internet path is faster, so it is never worse than going direct.
 */
export { MinHeap } from "./min-heap.js";
export { dijkstra, type WeightedGraph, type ShortestPath } from "./dijkstra.js";
export { drawCongestion, congestionFactor, type CongestionOptions, type LinkCongestion } from "./congestion.js";
export { PopMesh, BACKBONE_ROUTE_FACTOR, TRANSIT_ROUTE_FACTOR, MESH_NEIGHBOURS_DEFAULT, HUBS_PER_REGION_DEFAULT, type PopMeshOptions } from "./pop-mesh.js";
export { SmartRouter, type RouteDecision } from "./smart-router.js";
export { OriginRouter, type OriginRoute, type OriginRouterOptions } from "./origin-router.js";
export { runImprovementStudy, type ImprovementStudy, type ImprovementStudyOptions } from "./improvement-study.js";
