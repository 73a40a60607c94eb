// peer_dart.cpp — the benchmark scenes in DART 6.12, from peer_scenes.h.
//
// DART works in generalized coordinates (articulated-body algorithm), like worldrunner. Settings: DART's defaults,
// i.e. semi-implicit Euler, BoxedLcpConstraintSolver (Dantzig, PGS fallback), friction as a boxed LCP with two
// tangent directions (a pyramid), rigid contacts with DART's error reduction. Collision: DARTCollisionDetector (its
// own box-box code); with PEER_DART_COLLISION=fcl in the environment, FCL (DART's default, meshes for primitives),
// reported as engine "dart-fcl". The ground is a 20 m x 20 m x 0.1 m static box whose top face is z = 0, since the
// DART detector has no plane shape. Only specific headers: dart/dart.hpp pulls an ikfast header Debian lacks.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <vector>

#include <dart/collision/dart/DARTCollisionDetector.hpp>
#include <dart/collision/fcl/FCLCollisionDetector.hpp>
#include <dart/config.hpp>
#include <dart/constraint/ConstraintSolver.hpp>
#include <dart/dynamics/BallJoint.hpp>
#include <dart/dynamics/BodyNode.hpp>
#include <dart/dynamics/BoxShape.hpp>
#include <dart/dynamics/FreeJoint.hpp>
#include <dart/dynamics/RevoluteJoint.hpp>
#include <dart/dynamics/ShapeNode.hpp>
#include <dart/dynamics/Skeleton.hpp>
#include <dart/dynamics/WeldJoint.hpp>
#include <dart/simulation/World.hpp>

extern "C" {
#include "peer_harness.h"
#include "peer_scenes.h"
}

namespace {

using dart::dynamics::BodyNode;
using dart::dynamics::SkeletonPtr;

bool use_fcl()
{
    const char *choice = std::getenv("PEER_DART_COLLISION");
    return choice != nullptr && std::strcmp(choice, "fcl") == 0;
}

struct DartWorld {
    dart::simulation::WorldPtr world;
    std::vector<BodyNode *> bodies;  // chain links, boxes, or humanoid bodies (index 0 = pelvis)
};

dart::dynamics::BodyNode::Properties named(const std::string &prefix, int index)
{
    return dart::dynamics::BodyNode::Properties(dart::dynamics::BodyNode::AspectProperties(prefix + std::to_string(index)));
}

Eigen::Vector3d vec(const double v[3])
{
    return Eigen::Vector3d(v[0], v[1], v[2]);
}

// Mass, centre of mass and box inertia for `body`, and (when `collide`) its box shape with friction.
void dress(BodyNode *body, double mass, const double half[3], const double center[3], bool collide)
{
    double inertia[3];
    peer_box_inertia(mass, half, inertia);
    body->setMass(mass);
    body->setLocalCOM(vec(center));
    body->setMomentOfInertia(inertia[0], inertia[1], inertia[2]);
    if (!collide) {
        return;
    }
    auto box = std::make_shared<dart::dynamics::BoxShape>(2.0 * vec(half));
    auto *node = body->createShapeNodeWith<dart::dynamics::CollisionAspect, dart::dynamics::DynamicsAspect>(box);
    node->setRelativeTranslation(vec(center));
    node->getDynamicsAspect()->setFrictionCoeff(PEER_FRICTION);
}

void add_ground(DartWorld &w)
{
    SkeletonPtr ground = dart::dynamics::Skeleton::create("ground");
    auto *body = ground->createJointAndBodyNodePair<dart::dynamics::WeldJoint>().second;
    const double half[3] = {10.0, 10.0, 0.05};
    const double center[3] = {0.0, 0.0, -0.05};
    dress(body, 1.0, half, center, true);
    ground->setMobile(false);
    w.world->addSkeleton(ground);
}

void build_chain(DartWorld &w, int links)
{
    SkeletonPtr chain = dart::dynamics::Skeleton::create("chain");
    const double half[3] = {PEER_CHAIN_LENGTH / 2, PEER_CHAIN_WIDTH / 2, PEER_CHAIN_WIDTH / 2};
    const double center[3] = {PEER_CHAIN_LENGTH / 2, 0, 0};
    BodyNode *parent = nullptr;
    for (int i = 0; i < links; ++i) {
        dart::dynamics::RevoluteJoint::Properties joint;
        joint.mAxis = Eigen::Vector3d::UnitY();
        joint.mName = "joint" + std::to_string(i);
        joint.mT_ParentBodyToJoint.translation() = Eigen::Vector3d(i == 0 ? 0.0 : PEER_CHAIN_LENGTH, 0, 0);
        parent = chain->createJointAndBodyNodePair<dart::dynamics::RevoluteJoint>(parent, joint, named("link", i))
                     .second;
        dress(parent, PEER_CHAIN_MASS, half, center, false);
        w.bodies.push_back(parent);
    }
    w.world->addSkeleton(chain);
}

void build_boxes(DartWorld &w, int count)
{
    add_ground(w);
    const double h = PEER_BOX_EDGE / 2;
    const double half[3] = {h, h, h};
    const double zero[3] = {0, 0, 0};
    int side = 1;
    while (side * side < count) {
        ++side;
    }
    for (int i = 0; i < count; ++i) {
        SkeletonPtr skel = dart::dynamics::Skeleton::create("box" + std::to_string(i));
        dart::dynamics::FreeJoint::Properties joint;
        joint.mT_ParentBodyToJoint.translation() = Eigen::Vector3d(
            ((i % side) - 0.5 * (side - 1)) * PEER_BOX_SPACING, ((i / side) - 0.5 * (side - 1)) * PEER_BOX_SPACING, h);
        auto *body = skel->createJointAndBodyNodePair<dart::dynamics::FreeJoint>(nullptr, joint).second;
        dress(body, PEER_BOX_MASS, half, zero, true);
        w.bodies.push_back(body);
        w.world->addSkeleton(skel);
    }
}

void build_humanoid(DartWorld &w)
{
    add_ground(w);
    SkeletonPtr skel = dart::dynamics::Skeleton::create("humanoid");
    for (int i = 0; i < PEER_HUMANOID_BODIES; ++i) {
        const peer_body &b = peer_humanoid[i];
        BodyNode *parent = b.parent >= 0 ? w.bodies[static_cast<size_t>(b.parent)] : nullptr;
        Eigen::Isometry3d offset = Eigen::Isometry3d::Identity();
        offset.translation() = vec(b.joint_pos);
        BodyNode *body = nullptr;
        const dart::dynamics::BodyNode::Properties props(dart::dynamics::BodyNode::AspectProperties(b.name));
        if (b.joint == PEER_JOINT_FREE) {
            dart::dynamics::FreeJoint::Properties joint;
            joint.mName = b.name;
            joint.mT_ParentBodyToJoint = offset;
            body = skel->createJointAndBodyNodePair<dart::dynamics::FreeJoint>(parent, joint, props).second;
        } else if (b.joint == PEER_JOINT_HINGE) {
            dart::dynamics::RevoluteJoint::Properties joint;
            joint.mAxis = vec(b.axis);
            joint.mName = b.name;
            joint.mT_ParentBodyToJoint = offset;
            body = skel->createJointAndBodyNodePair<dart::dynamics::RevoluteJoint>(parent, joint, props).second;
        } else {
            dart::dynamics::BallJoint::Properties joint;
            joint.mName = b.name;
            joint.mT_ParentBodyToJoint = offset;
            body = skel->createJointAndBodyNodePair<dart::dynamics::BallJoint>(parent, joint, props).second;
        }
        dress(body, b.mass, b.half, b.center, true);
        w.bodies.push_back(body);
    }
    w.world->addSkeleton(skel);
}

void *dart_create(const peer_scene *scene)
{
    auto *w = new DartWorld;
    w->world = dart::simulation::World::create();
    w->world->setGravity(Eigen::Vector3d(0, 0, PEER_GRAVITY_Z));
    w->world->setTimeStep(PEER_DT);
    if (use_fcl()) {
        w->world->getConstraintSolver()->setCollisionDetector(dart::collision::FCLCollisionDetector::create());
    } else {
        w->world->getConstraintSolver()->setCollisionDetector(dart::collision::DARTCollisionDetector::create());
    }
    if (scene->kind == PEER_SCENE_CHAIN) {
        build_chain(*w, scene->count);
    } else if (scene->kind == PEER_SCENE_BOXES) {
        build_boxes(*w, scene->count);
    } else {
        build_humanoid(*w);
    }
    return w;
}

int dart_step(void *world, int steps)
{
    auto *w = static_cast<DartWorld *>(world);
    for (int i = 0; i < steps; ++i) {
        w->world->step();
    }
    return 0;
}

double dart_probe(void *world, const peer_scene *scene)
{
    auto *w = static_cast<DartWorld *>(world);
    if (scene->kind == PEER_SCENE_CHAIN) {
        Eigen::Vector3d tip = w->bodies.back()->getWorldTransform() * Eigen::Vector3d(PEER_CHAIN_LENGTH, 0, 0);
        return tip.z();
    }
    if (scene->kind == PEER_SCENE_BOXES) {
        double sum = 0.0;
        for (BodyNode *body : w->bodies) {
            sum += body->getWorldTransform().translation().z();
        }
        return sum / static_cast<double>(w->bodies.size());
    }
    return w->bodies[0]->getWorldTransform().translation().z();
}

void dart_destroy(void *world)
{
    delete static_cast<DartWorld *>(world);
}

}  // namespace

int main(int argc, char **argv)
{
    peer_engine engine{};
    engine.name = use_fcl() ? "dart-fcl" : "dart";
    engine.version = DART_VERSION;
    engine.notes = "generalized coordinates; semi-implicit Euler; BoxedLcpConstraintSolver (Dantzig, PGS fallback); "
                   "boxed friction (pyramid); rigid contacts with error reduction";
    engine.create = dart_create;
    engine.step = dart_step;
    engine.probe = dart_probe;
    engine.destroy = dart_destroy;
    return peer_main(argc, argv, &engine);
}
